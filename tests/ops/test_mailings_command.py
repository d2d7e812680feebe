"""`omni-privacy mailings ...` and `omni-privacy outbox ...`."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from omni_privacy.mailings.models import Campaign
from omni_privacy.outbox.models import OutboxMessage
from tests.mailings.factory import UPDATE, People, build_people, profile
from tests.smtp import SmtpServer, smtp_server

pytestmark = pytest.mark.django_db
__all__ = ["smtp_server"]

TEXTS = [
    "--subject-fr",
    "Mise à jour",
    "--subject-en",
    "Update",
    "--body-fr",
    "Nouvelle version.",
    "--body-en",
    "New version.",
]


@pytest.fixture
def people() -> People:
    return build_people()


def test_send_update_then_deliver_and_status(run, people: People, smtp_server: SmtpServer) -> None:
    preview = run("mailings", "send-update", *TEXTS, "--organization", "acme", "--preview")
    assert preview.json() == {
        "recipients": 3,
        "by_language": {"fr": 2, "en": 1},
        "left_out": {},
        "without_purpose": 0,
    }
    assert Campaign.objects.count() == 0
    out = run("mailings", "send-update", *TEXTS, "--organization", "acme")
    campaign = Campaign.objects.get()
    assert out.stdout.strip() == (f"Campaign {campaign.public_id}: 3 messages queued (fr 2, en 1).")
    status = run("outbox", "status", "--json").json()
    assert status["counts"] == {"queued": 3, "sending": 0, "sent": 0, "failed": 0, "cancelled": 0}
    delivered = run("outbox", "deliver").json()
    assert delivered == {"sent": 3, "retried": 0, "failed": 0, "cancelled": 0, "held_back": 0}
    assert sorted(r.recipients[0] for r in smtp_server.received) == [
        "ana@example.com",
        "ben@example.com",
        "cam@example.com",
    ]
    [listed] = run("mailings", "list", "--json").json()
    assert (listed["kind"], listed["state"], listed["delivery"]["sent"]) == (
        "software_update",
        "sending",
        3,
    )
    assert "Software update notice" in run("mailings", "list").stdout  # words, not the code


def test_a_refused_campaign_exits_with_the_reason(run, people: People) -> None:
    acme = people.holdings["ana"].organization
    profile(acme, None, "gus@example.com", (UPDATE,), "en", purpose="service_obligations")
    with pytest.raises(CommandError) as refused:
        run("mailings", "send-update", *TEXTS)
    assert str(refused.value) == (
        "Campaign refused: 1 people it selects hold no data for the purpose "
        "communication_obligations (notice §3). Nothing was sent."
    )
    assert OutboxMessage.objects.count() == 0
    assert Campaign.objects.get().state == "refused"


def test_incident_alert_and_notice_announcement(run, people: People) -> None:
    with pytest.raises(CommandError) as refused:
        run("mailings", "incident-alert", *TEXTS, "--organization", "nope")
    assert str(refused.value) == "organizations: no organisation 'nope'"
    run("mailings", "incident-alert", *TEXTS, "--organization", "initech")
    assert list(OutboxMessage.objects.values_list("urgent", "language")) == [(True, "en")]
    out = run("mailings", "announce-notice", "--version", "3")
    assert out.stdout.strip().endswith("6 messages queued (fr 3, en 3).")
