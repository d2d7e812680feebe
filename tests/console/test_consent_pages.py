"""The console's Consent, Suppressions and Campaigns pages (privacy officers only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from omni_privacy.consent.models import Suppression
from omni_privacy.consent.services import consent_record
from omni_privacy.mailings.models import Campaign
from omni_privacy.outbox.models import OutboxMessage
from tests.console.test_views import in_english
from tests.mailings.factory import People, build_people

pytestmark = pytest.mark.django_db

PAGES = ["/console/consent/", "/console/suppressions/", "/console/campaigns/"]


@pytest.fixture
def people() -> People:
    return build_people()


def test_only_privacy_officers_see_them(client: Client, sales_user, officer) -> None:
    client.force_login(sales_user)
    assert [client.get(page).status_code for page in PAGES] == [403, 403, 403]
    assert client.post("/console/suppressions/", {}).status_code == 403
    client.force_login(officer)
    assert [client.get(page).status_code for page in PAGES] == [200, 200, 200]
    nav = client.get("/console/").content.decode()
    assert 'href="/console/campaigns/"' in nav


def test_consent_lookup_shows_the_ledger_and_the_answer_per_purpose(
    client: Client, officer, people: People
) -> None:
    consent_record(
        person=people.person("fay"),
        purpose="sales_information",
        given=True,
        notice_identifier="QAC-REC-004",
        notice_version="2",
        language="en",
        channel="form",
        at=dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC),
    )
    in_english(officer)
    client.force_login(officer)
    page = client.post("/console/consent/", {"email": "FAY@example.com"}).content.decode()
    assert "QAC-REC-004 v2" in page
    assert "Consent given" in page
    assert page.count("May be used") == 1
    assert page.count("Not held for this purpose") == 3
    unknown = client.post("/console/consent/", {"email": "nobody@example.org"}).content.decode()
    assert "No one is held under this address." in unknown


def test_add_a_suppression(client: Client, officer, people: People) -> None:
    in_english(officer)
    client.force_login(officer)
    response = client.post(
        "/console/suppressions/",
        {"email": "ben@example.com", "scope": "direct_marketing", "reason": "asked by phone"},
    )
    assert response.status_code == 302
    row = Suppression.objects.get()
    assert (row.email_digest, row.scope, row.source, row.actor) == (
        people.person("ben").email_digest,
        "direct_marketing",
        "console",
        f"user:{officer.public_id}",
    )
    page = client.get(response["Location"]).content.decode()
    assert "The suppression is recorded." in page
    assert "ben@example.com" not in page
    bad = client.post("/console/suppressions/", {"email": "x", "scope": "nope"})
    assert bad.status_code == 400


def test_prepare_preview_and_send_a_campaign(client: Client, officer, people: People) -> None:
    in_english(officer)
    client.force_login(officer)
    response = client.post(
        "/console/campaigns/",
        {
            "kind": "software_update",
            "organizations": ["acme"],
            "subject_fr": "Mise à jour",
            "body_fr": "Version 5.",
            "subject_en": "Update",
            "body_en": "Version 5.",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    preview = client.get(response["Location"]).content.decode()
    assert "3 recipients: 2 in French, 1 in English." in preview
    sent = client.post(f"/console/campaigns/{campaign.public_id}/send/")
    assert sent.status_code == 302
    page = client.get(sent["Location"]).content.decode()
    assert "The campaign&#x27;s messages are queued." in page
    assert OutboxMessage.objects.filter(status="queued").count() == 3
    listing = client.get("/console/campaigns/").content.decode()
    assert "Software update notice" in listing


def test_the_person_page_links_to_the_persons_consent(
    client: Client, officer, people: People
) -> None:
    in_english(officer)
    client.force_login(officer)
    fay = people.person("fay")
    person_page = client.get(f"/console/people/{fay.public_id}/").content.decode()
    link = f'href="/console/consent/?person={fay.public_id}"'
    assert link in person_page
    page = client.get("/console/consent/", {"person": str(fay.public_id)}).content.decode()
    assert "No consent event is recorded for this person." in page
    assert page.count("No consent recorded") == 1
    assert client.get("/console/consent/", {"person": "not-a-uuid"}).status_code == 200


def test_a_campaign_that_reached_nobody_is_not_shown_as_sent() -> None:
    """Issue 14 point 7."""
    from django.utils import translation

    from omni_privacy.console.consent_views import _campaign_state
    from omni_privacy.mailings.models import Campaign

    with translation.override("en"):
        empty = {"queued": 0, "sending": 0, "sent": 0, "failed": 0}
        assert _campaign_state(Campaign(state="sent"), empty) == "Closed, no recipient"
        assert _campaign_state(Campaign(state="sent"), empty | {"sent": 2}) == "Sent"
