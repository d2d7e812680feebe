"""The Registers pages: recipients (list, detail, assessment) and mergers, FR/EN."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from omni_privacy.transfers.merger import merger_record
from omni_privacy.transfers.models import Recipient
from omni_privacy.transfers.services import recipient_register
from tests.factories import OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client: Client) -> Client:
    client.force_login(StaffFactory(officer=True))
    return client


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Recipients and transfers"), ("fr", "Destinataires et communications")],
)
def test_the_register_lists_recipients_and_says_which_are_refused(
    officer_client: Client, language: str, title: str
) -> None:
    officer_client.cookies["django_language"] = language
    recipient_register(actor="t", kind="buyer", key="b", name="Buyer Inc.", jurisdiction="ON")
    html = officer_client.get(reverse("console:recipients"), HTTP_ACCEPT_LANGUAGE=language)
    text = html.content.decode()
    assert title in text
    assert "Buyer Inc." in text


def test_an_officer_registers_then_assesses_a_recipient(officer_client: Client) -> None:
    response = officer_client.post(reverse("console:recipients"), {
        "kind": "buyer", "key": "acme", "name": "Acme", "jurisdiction": "Ontario"})  # fmt: skip
    recipient = Recipient.objects.get(key="acme")
    assert response.status_code == 302
    url = reverse("console:recipient", args=[recipient.public_id])
    response = officer_client.post(url, {
        "sensitivity": "low", "purposes": "the deal", "protection_measures": "contract",
        "legal_framework": "Ontario", "conclusion": "adequate", "agreement_reference": "A-1",
        "agreement_date": "2026-01-01", "reassess_on": "2099-01-01",
    })  # fmt: skip
    assert response.status_code == 302
    recipient.refresh_from_db()
    assert recipient.conclusion == "adequate"
    assert recipient.approved_at is not None


def test_the_merger_pages_render_and_are_for_officers_only(client: Client) -> None:
    client.force_login(StaffFactory())
    assert client.get(reverse("console:mergers")).status_code == 403
    client.force_login(StaffFactory(officer=True))
    assert client.get(reverse("console:mergers")).status_code == 200


def test_the_cli_lists_the_register_as_json() -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    recipient_register(actor="t", kind="buyer", key="b", name="Buyer Inc.", jurisdiction="ON")
    out = StringIO()
    call_command("transfers", "list", "--json", "--as-of", "2026-11-25", stdout=out)
    rows = json.loads(out.getvalue())["recipients"]
    [row] = [row for row in rows if row["kind"] == "buyer"]
    assert (row["key"], row["allowed"], row["code"]) == ("b", False, "transfer_not_assessed")


def test_the_merger_form_names_buyers_and_sources_in_words(officer_client: Client) -> None:
    officer_client.cookies["django_language"] = "fr"
    recipient_register(actor="t", kind="buyer", key="b", name="Buyer Inc.", jurisdiction="ON")
    text = officer_client.get(
        reverse("console:mergers"), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert ">Buyer Inc. (ON)</option>" in text
    assert "buyer:b" not in text
    assert "Service à la clientèle" in text
    assert "> customer_service" not in text


def test_the_merger_page_names_its_sources_in_words(officer_client: Client) -> None:
    officer_client.cookies["django_language"] = "en"
    buyer = recipient_register(actor="t", kind="buyer", key="b", name="Buyer", jurisdiction="ON")
    merger = merger_record(
        user=StaffFactory(officer=True), reference="sale-1", title="Sale", parties="Omni; Buyer",
        buyer=buyer, organizations=[OrganisationFactory()], sources=["customer_service"],
    )  # fmt: skip
    url = reverse("console:merger", args=[merger.public_id])
    text = officer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<dd>Customer service</dd>" in text
    assert "customer_service" not in text


def test_the_cli_table_says_kinds_in_the_readers_words() -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.utils import translation

    recipient_register(actor="t", kind="buyer", key="b", name="Buyer Inc.", jurisdiction="ON")
    out = StringIO()
    with translation.override("fr"):
        call_command("transfers", "list", "--as-of", "2026-11-25", stdout=out, stderr=StringIO())
    assert "Acquéreur (fusion)" in out.getvalue()
    assert "buyer " not in out.getvalue()
