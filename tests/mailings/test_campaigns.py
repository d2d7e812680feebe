"""Campaigns end to end: audience by kind, purpose and language, refusal, suppression and
withdrawal honoured, delivery through the outbox to a real SMTP server."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from omni_privacy.audit.models import AuditEvent
from omni_privacy.consent.services import consent_record, suppression_add
from omni_privacy.consent.tokens import read_unsubscribe_token
from omni_privacy.mailings.models import CampaignRecipient
from omni_privacy.mailings.selectors import campaign_delivery, told_of_notice
from omni_privacy.mailings.services import campaign_create, campaign_send, campaigns_close
from omni_privacy.outbox.delivery import outbox_deliver_due
from omni_privacy.outbox.models import OutboxMessage
from tests.mailings.conftest import PUBLIC_URL
from tests.mailings.factory import UPDATE, People, profile
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 14, tzinfo=dt.UTC)
TEXTS = {
    "subject_fr": "Mise à jour 4.2",
    "subject_en": "Update 4.2",
    "body_fr": "La version 4.2 est disponible.",
    "body_en": "Version 4.2 is available.",
}
LINK = re.compile(r"https://privacy\.example\.com/(fr/desabonnement|en/unsubscribe)/(\S+)")


def _send(kind: str = "software_update", **values):
    campaign = campaign_create(kind=kind, actor="test", **{**TEXTS, **values})
    return campaign_send(campaign=campaign, actor="test", at=NOW)


def _delivered(server: SmtpServer) -> dict[str, tuple[str, str]]:
    outbox_deliver_due()
    return {r.recipients[0]: (r.subject, r.language) for r in server.received}


def test_software_update_reaches_every_subscriber_in_their_language(
    people: People, smtp_server: SmtpServer
) -> None:
    campaign = _send()
    assert campaign.state == "sending"
    assert campaign.audience == {
        "recipients": 3,
        "by_language": {"fr": 2, "en": 1},
        "left_out": {},
    }
    assert _delivered(smtp_server) == {
        "ana@example.com": ("Mise à jour 4.2", "fr"),
        "ben@example.com": ("Update 4.2", "en"),
        "cam@example.com": ("Mise à jour 4.2", "fr"),
    }
    by_address = {r.recipients[0]: r.body for r in smtp_server.received}
    assert by_address["ben@example.com"].startswith("Version 4.2 is available.\n")
    assert (
        "Communication obligations for subscribed software solutions"
        in (by_address["ben@example.com"])
    )
    assert f"{PUBLIC_URL}/en/privacy-notice" in by_address["ben@example.com"]
    assert by_address["ana@example.com"].startswith("La version 4.2 est disponible.\n")
    assert (
        "Omnitech Innovations vous écrit pour cette finalité de son avis de confidentialité\u00a0: "
        "Obligations de communication pour les solutions logicielles souscrites."
    ) in by_address["ana@example.com"]
    assert f"{PUBLIC_URL}/fr/avis-de-confidentialite" in by_address["cam@example.com"]
    # Each message has its own withdrawal link, in its language, for its person and purpose.
    claims = {}
    for address, body in by_address.items():
        path, token = LINK.search(body).groups()  # type: ignore[union-attr]
        claim = read_unsubscribe_token(token)
        assert claim is not None
        claims[address] = (path, claim.person_public_id, claim.scope)
    assert claims == {
        "ana@example.com": (
            "fr/desabonnement",
            people.person("ana").public_id,
            "communication_obligations",
        ),
        "ben@example.com": (
            "en/unsubscribe",
            people.person("ben").public_id,
            "communication_obligations",
        ),
        "cam@example.com": (
            "fr/desabonnement",
            people.person("cam").public_id,
            "communication_obligations",
        ),
    }
    # Who was sent what: person, language, message.
    rows = CampaignRecipient.objects.filter(campaign=campaign).select_related("message")
    assert sorted((r.person_public_id, r.language, r.message.status) for r in rows) == sorted(
        [
            (people.person("ana").public_id, "fr", "sent"),
            (people.person("ben").public_id, "en", "sent"),
            (people.person("cam").public_id, "fr", "sent"),
        ]
    )
    assert campaign_delivery(campaign=campaign)["sent"] == 3
    assert campaigns_close(at=NOW) == 1
    campaign.refresh_from_db()
    assert campaign.state == "sent"
    actions = list(
        AuditEvent.objects.filter(object_id=str(campaign.public_id)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["campaign.created", "campaign.sent", "campaign.delivered"]


def test_organisation_and_instance_filters(people: People, smtp_server: SmtpServer) -> None:
    assert _send(instances=["acme-test"]).audience["recipients"] == 1
    assert _delivered(smtp_server) == {"cam@example.com": ("Mise à jour 4.2", "fr")}
    nobody = _send(organizations=["initech"])
    assert (nobody.state, nobody.audience["recipients"]) == ("sent", 0)


def test_incident_alert_reaches_the_security_contacts_of_the_affected_organisations(
    people: People, smtp_server: SmtpServer
) -> None:
    acme = _send("security_incident", organizations=["acme"])
    initech = _send("security_incident", organizations=["initech"])
    assert acme.urgent is True
    assert set(OutboxMessage.objects.values_list("urgent", flat=True)) == {True}
    assert _delivered(smtp_server) == {
        "ana@example.com": ("Mise à jour 4.2", "fr"),
        "dee@example.org": ("Update 4.2", "en"),
    }
    assert (acme.audience["recipients"], initech.audience["recipients"]) == (1, 1)


def test_an_incident_alert_must_name_the_organisations(people: People) -> None:
    from omni_privacy.core.errors import InvalidInputError

    with pytest.raises(InvalidInputError) as refused:
        campaign_create(kind="security_incident", actor="test", **TEXTS, organizations=["nope"])
    with translation.override("en"):
        said = [str(e) for e in refused.value.errors]
    assert said == ["organizations: no organisation 'nope'"]


def test_suppressed_people_are_left_out(people: People, smtp_server: SmtpServer) -> None:
    suppression_add(
        email="ben@example.com",
        scope="communication_obligations",
        reason="objection by email",
        source="objection",
        at=NOW - dt.timedelta(days=1),
    )
    campaign = _send()
    assert campaign.audience["left_out"] == {"suppressed": 1}
    assert set(_delivered(smtp_server)) == {"ana@example.com", "cam@example.com"}


def test_a_suppression_after_queueing_stops_the_message_before_it_is_sent(
    people: People, smtp_server: SmtpServer
) -> None:
    _send()
    suppression_add(email="ana@example.com", scope="all", reason="", source="console", at=NOW)
    assert set(_delivered(smtp_server)) == {"ben@example.com", "cam@example.com"}
    assert OutboxMessage.objects.get(status="cancelled").last_error == "suppressed"


def test_a_campaign_reaching_someone_without_the_purpose_is_refused_whole(
    people: People, smtp_server: SmtpServer
) -> None:
    # An update-notice subscriber whose profile was collected for service obligations only.
    acme = people.holdings["ana"].organization
    profile(acme, None, "gus@example.com", (UPDATE,), "en", purpose="service_obligations")
    campaign = _send()
    assert campaign.state == "refused"
    assert campaign.refusal == {
        "reason": "without_purpose",
        "people": 1,
        "purpose": "communication_obligations",
    }
    assert (OutboxMessage.objects.count(), CampaignRecipient.objects.count()) == (0, 0)
    assert AuditEvent.objects.filter(action="campaign.refused").count() == 1
    assert _delivered(smtp_server) == {}


def test_notice_change_is_announced_to_everyone_held(
    people: People, smtp_server: SmtpServer
) -> None:
    consent_record(
        person=people.person("fay"),
        purpose="sales_information",
        given=False,
        notice_identifier="QAC-REC-004",
        notice_version="2",
        language="en",
        channel="email",
        at=NOW - dt.timedelta(days=2),
    )
    suppression_add(email="eve@example.org", scope="all", reason="", source="dsr", at=NOW)
    campaign = campaign_create(
        kind="notice_change", actor="test", notice_identifier="QAC-REC-004", notice_version="3"
    )
    assert (campaign.subject_fr, campaign.subject_en) == (
        "Notre avis de confidentialité a changé",
        "Our privacy notice has changed",
    )
    assert "version 3 of its privacy notice QAC-REC-004" in campaign.body_en
    campaign = campaign_send(campaign=campaign, actor="test", at=NOW + dt.timedelta(hours=1))
    assert campaign.audience["left_out"] == {"suppressed": 1, "consent_withdrawn": 1}
    assert _delivered(smtp_server) == {
        "ana@example.com": (campaign.subject_fr, "fr"),
        "ben@example.com": ("Our privacy notice has changed", "en"),
        "cam@example.com": (campaign.subject_fr, "fr"),
        "dee@example.org": ("Our privacy notice has changed", "en"),
    }
    body = next(r.body for r in smtp_server.received if r.recipients == ("ben@example.com",))
    assert f"{PUBLIC_URL}/en/privacy-notice" in body
    told = told_of_notice(identifier="QAC-REC-004", version="3")
    assert sorted((r.person_public_id, r.language) for r in told) == sorted(
        [
            (people.person(name).public_id, language)
            for name, language in (("ana", "fr"), ("ben", "en"), ("cam", "fr"), ("dee", "en"))
        ]
    )
    assert told_of_notice(identifier="QAC-REC-004", version="2").count() == 0


def test_publishing_a_notice_version_announces_it_to_exactly_the_people_held(
    people: People, smtp_server: SmtpServer, django_capture_on_commit_callbacks
) -> None:
    """Notice §11 end to end: the officer publishes, the hook announces after the commit."""
    from tests.notices.conftest import make_version

    suppression_add(email="eve@example.org", scope="all", reason="", source="dsr", at=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        make_version(3, dt.date(2027, 1, 1))
    assert _delivered(smtp_server) == {
        "ana@example.com": ("Notre avis de confidentialité a changé", "fr"),
        "ben@example.com": ("Our privacy notice has changed", "en"),
        "cam@example.com": ("Notre avis de confidentialité a changé", "fr"),
        "dee@example.org": ("Our privacy notice has changed", "en"),
        "fay@example.com": ("Our privacy notice has changed", "en"),
    }
    told = told_of_notice(identifier="QAC-REC-004", version="3")
    assert told.count() == 5


def test_a_sent_campaign_leaves_no_address_in_the_audit_log_or_the_outbox(
    people: People, smtp_server: SmtpServer
) -> None:
    """Notice §8 and STYLE: personal data never in audit payloads; the outbox keeps digests."""
    campaign = _send()
    assert len(_delivered(smtp_server)) == campaign.audience["recipients"] > 0
    payloads = [str(event.payload) for event in AuditEvent.objects.all()]
    assert [text for text in payloads if "@example." in text] == []
    stored = [str(row) for row in OutboxMessage.objects.values()]
    assert [text for text in stored if "@example." in text] == []
