"""Issue 14 point 7: the console dashboard tells what the check commands tell. On the same
data, its alarms are `retention check`'s, `dsr check`'s and `sync check`'s findings (the
dashboard calls the very selectors the commands call), and undelivered mail is an alarm too."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from omni_privacy.accounts.models import Team, User
from omni_privacy.demo.generate import demo_generate
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.ops.health import health
from omni_privacy.outbox.models import OutboxMessage, OutboxStatus
from omni_privacy.outbox.services import outbox_enqueue
from omni_privacy.registry.domain.facts import Interval
from omni_privacy.registry.services import instance_create
from tests.factories import OrganisationFactory, RightsRequestFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 25)
NOON = dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC)


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = 0
    with translation.override("en"):
        try:
            call_command(*args, stdout=out, stderr=io.StringIO())
        except SystemExit as exited:
            code = int(exited.code or 0)
    return code, out.getvalue()


def _figure(html: str, name: str) -> int:
    match = re.search(rf'id="figure-{name}">\s*<span class="figure-number">(\d+)</span>', html)
    assert match is not None, name
    return int(match[1])


@pytest.fixture
def data() -> None:
    """Demo data (late and overdue holdings on purpose), an instance never synced, two rights
    requests past their due day and one message that could not be delivered."""
    demo_generate(actor="test", people=48, seed=7, as_of=AS_OF)
    fresh = OrganisationFactory(code="fresh", subscriptions=(Interval(dt.date(2024, 1, 1)),))
    with time_machine.travel(NOON - dt.timedelta(days=3), tick=False):
        instance_create(actor="test", organization=fresh, code="fresh-prod")
    for _ in range(2):
        RightsRequestFactory(received_on=dt.date(2026, 9, 1))
    RightsRequestFactory(received_on=AS_OF)  # not yet due
    RightsRequest.objects.update(state="verified")
    outbox_enqueue(
        to="lea@example.com", subject="Test", body_text="Test", language="fr", kind="test"
    )
    OutboxMessage.objects.filter(kind="test").update(
        status=OutboxStatus.FAILED, last_error="SMTPConnectError"
    )


def test_the_dashboard_alarms_are_the_check_commands_findings(data, client: Client) -> None:
    officer = User.objects.create_user(
        username="pat.officer", team=Team.PRIVACY_OFFICE, preferred_language="en"
    )
    client.force_login(officer)
    with time_machine.travel(NOON, tick=False):
        html = client.get("/console/", headers={"accept-language": "en"}).content.decode()
        retention_code, retention = _run("retention", "check", "--as-of", "2026-11-25", "--json")
        dsr_code, dsr = _run("dsr", "check", "--as-of", "2026-11-25", "--json")
        sync_code, sync = _run("sync", "check", "--json")

    tail = retention[retention.rindex("],") + 2 :]
    counts = json.loads("{" + tail)
    statuses = [
        row["status"]
        for row in json.loads(retention[retention.index("[") : retention.rindex("]") + 1])
    ]
    assert counts["overdue"] > 0
    assert counts["late"] > 0
    assert retention_code == 1
    assert _figure(html, "overdue") == counts["overdue"] == statuses.count("overdue")
    assert _figure(html, "late") == counts["late"] == statuses.count("late")
    assert _figure(html, "held") == counts["held"] == statuses.count("held")

    assert dsr_code == 1
    assert _figure(html, "requests-overdue") == len(json.loads(dsr)) == 2

    # The demo's instances show a last sync within the month (or their subscription ended);
    # the one registered three days ago and never synced is an alarm for both.
    rows = json.loads(sync)
    assert sync_code == 1
    assert [r["instance"] for r in rows if r["stale"] or r["never_synced"]] == ["fresh-prod"]
    assert _figure(html, "never-synced") == 1
    assert 'figure-alarm"><span class="figure-label">' not in html  # no stale instance

    # /healthz raises the same alarm from the same selector.
    assert _figure(html, "mail-undelivered") == 1
    assert "outbox_failed" in health()[1]["alarms"]


def test_with_nothing_wrong_the_checks_pass_and_the_dashboard_has_no_alarm(
    client: Client,
) -> None:
    officer = User.objects.create_user(
        username="pat.officer", team=Team.PRIVACY_OFFICE, preferred_language="en"
    )
    client.force_login(officer)
    with time_machine.travel(NOON, tick=False):
        html = client.get("/console/", headers={"accept-language": "en"}).content.decode()
        codes = [
            _run("retention", "check", "--as-of", "2026-11-25")[0],
            _run("dsr", "check", "--as-of", "2026-11-25")[0],
            _run("sync", "check")[0],
        ]
    assert codes == [0, 0, 0]
    assert "figure-alarm" not in html
    assert "No customer instance is registered yet." in html
    assert "No undelivered message." in html


def test_kept_alarms_follow_what_is_recorded_at_once_and_the_rest_within_seconds(
    data, client: Client
) -> None:
    from omni_privacy.console.alarms import KEEP_SECONDS

    officer = User.objects.create_user(
        username="pat.officer", team=Team.PRIVACY_OFFICE, preferred_language="en"
    )
    client.force_login(officer)

    def dashboard() -> str:
        return client.get("/console/", headers={"accept-language": "en"}).content.decode()

    with time_machine.travel(NOON, tick=False):
        html = dashboard()
        assert (_figure(html, "never-synced"), _figure(html, "mail-undelivered")) == (1, 1)
        # Recorded (an audit event): the next view counts again.
        later = OrganisationFactory(code="later", subscriptions=(Interval(dt.date(2024, 1, 1)),))
        instance_create(actor="test", organization=later, code="later-prod")
        assert _figure(dashboard(), "never-synced") == 2
        # Not recorded (the outbox gives up on a message without an audit event): kept...
        outbox_enqueue(
            to="kim@example.com", subject="Test", body_text="Test", language="en", kind="test2"
        )
        OutboxMessage.objects.filter(kind="test2").update(status=OutboxStatus.FAILED)
        assert _figure(dashboard(), "mail-undelivered") == 1
    # ... for KEEP_SECONDS at most.
    with time_machine.travel(NOON + dt.timedelta(seconds=KEEP_SECONDS), tick=False):
        assert _figure(dashboard(), "mail-undelivered") == 2
