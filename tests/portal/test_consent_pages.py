"""GPC (the header, /.well-known/gpc.json, the statement page) and the one-click withdrawal
page every mailing links to. No cookie anywhere (notice §2.3)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from omni_privacy.consent.models import ConsentEvent, Suppression
from omni_privacy.consent.selectors import consent_history, may_use
from omni_privacy.consent.tokens import unsubscribe_token
from omni_privacy.core.digest import email_digest
from omni_privacy.registry.selectors import person_by_email
from tests.mailings.factory import People, build_people

pytestmark = pytest.mark.django_db

FORM = {"full_name": "Gabrielle Côté", "email": "gabrielle.cote@example.com", "phone": ""}
FAR = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def _token(page) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())
    assert match is not None
    return match[1]


def _no_cookie(*responses) -> None:
    for response in responses:
        assert response.cookies == {}
        assert "Set-Cookie" not in response


def test_gpc_json_and_statement_pages(client: Client) -> None:
    json_response = client.get("/.well-known/gpc.json")
    assert json_response.status_code == 200
    assert json_response["Content-Type"] == "application/json"
    assert json_response.json() == {"gpc": True, "lastUpdate": "2026-12-01"}
    fr = client.get("/fr/controle-global-de-confidentialite")
    en = client.get("/en/global-privacy-control")
    assert (fr.status_code, en.status_code) == (200, 200)
    assert '<html lang="fr"' in fr.content.decode()
    assert '<h1 id="gpc-title">Contrôle global de confidentialité</h1>' in fr.content.decode()
    assert "Sec-GPC: 1" in en.content.decode()
    assert "objection to direct marketing" in en.content.decode()
    _no_cookie(json_response, fr, en)


@pytest.mark.parametrize(
    ("header", "suppressed"), [("1", True), ("0", False), (" 1", False), (None, False)]
)
def test_gpc_on_the_information_form_suppresses_direct_marketing(
    client: Client, header: str | None, suppressed: bool
) -> None:
    page = client.get("/en/information-request/")
    extra = {"HTTP_SEC_GPC": header} if header is not None else {}
    response = client.post(
        "/en/information-request/",
        {**FORM, "form_token": _token(page)},
        REMOTE_ADDR="192.0.2.10",
        **extra,
    )
    assert response.status_code == 200
    _no_cookie(response)
    person = person_by_email(FORM["email"])
    assert person is not None
    # The form is a consent to be answered, tied to the notice version and the page's language.
    [event] = consent_history(person=person)
    assert (event.purpose, event.given, event.notice_identifier, event.notice_version) == (
        "sales_information",
        True,
        "QAC-REC-004",
        "2",
    )
    assert (event.language, event.channel) == ("en", "form")
    rows = list(Suppression.objects.values_list("email_digest", "scope", "source"))
    expected = [(email_digest(FORM["email"]), "direct_marketing", "gpc")] if suppressed else []
    assert rows == expected
    # Honoured: a GPC signal wins over the consent for every later direct-marketing use.
    assert may_use(person=person, purpose="sales_information", at=FAR) is (not suppressed)


@pytest.fixture
def people() -> People:
    return build_people()


def _link(people: People, name: str, scope: str) -> str:
    person = people.person(name)
    return unsubscribe_token(
        person_public_id=person.public_id, email_digest=person.email_digest, scope=scope
    )


def test_get_only_confirms_and_post_records_an_objection(client: Client, people: People) -> None:
    token = _link(people, "ben", "communication_obligations")
    page = client.get(f"/en/unsubscribe/{token}")
    assert page.status_code == 200
    assert "Communication obligations for subscribed software solutions" in page.content.decode()
    fr = client.get(f"/fr/desabonnement/{token}")
    assert "Ne plus recevoir ces messages" in fr.content.decode()
    # A link scanner's GET changed nothing.
    assert Suppression.objects.count() == 0
    done = client.post(f"/en/unsubscribe/{token}", {"form_token": _token(page)})
    assert done.status_code == 200
    assert "It is recorded." in done.content.decode()
    _no_cookie(page, fr, done)
    [row] = Suppression.objects.all()
    assert (row.email_digest, row.scope, row.source, row.actor) == (
        people.person("ben").email_digest,
        "communication_obligations",
        "objection",
        "portal",
    )
    assert may_use(person=people.person("ben"), purpose="communication_obligations", at=FAR) is (
        False
    )
    # Twice is once.
    client.post(f"/en/unsubscribe/{token}", {"form_token": _token(page)})
    assert Suppression.objects.count() == 1


def test_a_consent_basis_gets_a_withdrawal_event(client: Client, people: People) -> None:
    token = _link(people, "fay", "sales_information")
    page = client.get(f"/fr/desabonnement/{token}")
    client.post(f"/fr/desabonnement/{token}", {"form_token": _token(page)})
    [event] = ConsentEvent.objects.all()
    assert (event.purpose, event.given, event.language, event.channel, event.notice_version) == (
        "sales_information",
        False,
        "fr",
        "email",
        "2",
    )
    assert Suppression.objects.count() == 0


def test_a_forged_token_or_a_cross_site_post_records_nothing(
    client: Client, people: People
) -> None:
    token = _link(people, "ben", "all")
    assert client.get(f"/en/unsubscribe/{token[:-2]}xx").status_code == 404
    page = client.get(f"/en/unsubscribe/{token}")
    assert client.post(f"/en/unsubscribe/{token}", {"form_token": "x"}).status_code == 403
    cross = client.post(
        f"/en/unsubscribe/{token}",
        {"form_token": _token(page)},
        HTTP_ORIGIN="https://evil.example.org",
    )
    assert cross.status_code == 403
    assert Suppression.objects.count() == 0


def test_the_statement_include_is_a_section_inside_another_page() -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("fr"):
        html = render_to_string("portal/_gpc_statement.html")
    assert '<h2 id="gpc-title">Contrôle global de confidentialité</h2>' in html
    assert "<h1" not in html
