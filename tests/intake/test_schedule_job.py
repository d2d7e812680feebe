"""The monthly schedule (issue 4 item 5): the hourly job pulls what is due, retries failures
with backoff, and an instance not refreshed for more than 31 days is an alarm (`sync check`,
the console dashboard)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from omni_privacy.accounts.models import Team, User
from omni_privacy.core.periodic import registered
from omni_privacy.intake.models import SyncRun
from omni_privacy.intake.tasks import task_sync_due
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.services import instance_create
from tests.intake.conftest import TOKEN
from tests.retention.factory import ACTOR, organization

pytestmark = pytest.mark.django_db

UTC = dt.UTC
START = dt.datetime(2026, 10, 1, 6, 0, tzinfo=UTC)


def runs(name: str) -> list[tuple[str, str]]:
    rows = SyncRun.objects.filter(instance__code=name).order_by("started_at", "id")
    return [(run.status, run.origin) for run in rows]


def _pair(export_server: str):
    acme = organization("acme", Interval(dt.date(2020, 1, 1)))
    boreal = organization("boreal", Interval(dt.date(2020, 1, 1)))
    good = instance_create(
        actor=ACTOR,
        organization=acme,
        code="acme-prod",
        export_url=export_server + "/users.jsonl",
        token=TOKEN,
    )
    down = instance_create(
        actor=ACTOR,
        organization=boreal,
        code="boreal-prod",
        export_url=export_server + "/broken",
        token=TOKEN,
    )
    return good, down


def _tick(moment: dt.datetime) -> dict[str, int]:
    with time_machine.travel(moment, tick=False):
        return task_sync_due.call(moment.date().isoformat())


def test_the_job_is_registered_hourly() -> None:
    jobs = {job.name: job.interval for job in registered()}
    assert jobs["sync_monthly"] == dt.timedelta(hours=1)


def test_due_instances_are_pulled_monthly_and_failures_back_off(export_server) -> None:
    with time_machine.travel(START - dt.timedelta(days=1), tick=False):
        _pair(export_server)

    assert _tick(START) == {"synced": 1, "refused": 1}
    assert runs("acme-prod") == [("finished", "pull")]
    assert runs("boreal-prod") == [("failed", "pull")]

    # An hour has not passed: nothing is retried; acme is not due for a month.
    assert _tick(START + dt.timedelta(minutes=59)) == {"synced": 0, "refused": 0}
    # After 1 h the failure is retried, then after 2 h more (backoff doubles).
    assert _tick(START + dt.timedelta(hours=1, minutes=1)) == {"synced": 0, "refused": 1}
    assert _tick(START + dt.timedelta(hours=2, minutes=30)) == {"synced": 0, "refused": 0}
    assert _tick(START + dt.timedelta(hours=3, minutes=2)) == {"synced": 0, "refused": 1}
    assert len(runs("boreal-prod")) == 3

    # A month after its success, acme is pulled again.
    assert _tick(dt.datetime(2026, 11, 1, 5, 0, tzinfo=UTC))["synced"] == 0
    assert _tick(dt.datetime(2026, 11, 1, 6, 1, tzinfo=UTC))["synced"] == 1
    assert runs("acme-prod") == [("finished", "pull")] * 2


def _check(*args: str) -> tuple[int, list[dict]]:
    out = io.StringIO()
    code = 0
    with translation.override("en"):
        try:
            call_command("sync", "check", "--json", *args, stdout=out)
        except SystemExit as exited:
            code = int(exited.code or 0)
    return code, json.loads(out.getvalue())


def test_check_and_dashboard_raise_the_31_day_alarm(export_server) -> None:
    with time_machine.travel(START - dt.timedelta(days=1), tick=False):
        _pair(export_server)
    _tick(START)

    code, rows = _check("--as-of", "2026-10-20")
    # boreal was never synced: an alarm already (issue 14 point 7), though not stale yet.
    assert code == 1
    assert [(r["instance"], r["failures"], r["stale"], r["never_synced"]) for r in rows] == [
        ("acme-prod", 0, False, False),
        ("boreal-prod", 1, False, True),
    ]
    assert rows[1]["last_problem"] == "export: the instance answered HTTP 500"
    # At the end of Oct 31 (Toronto), boreal was registered 31 days 22 hours ago and never
    # refreshed: the alarm. acme's success of Oct 1 is 30 days 22 hours old: not yet.
    code, rows = _check("--as-of", "2026-10-31")
    assert code == 1
    assert [(r["instance"], r["stale"]) for r in rows] == [
        ("acme-prod", False),
        ("boreal-prod", True),
    ]

    officer = User.objects.create_user(
        username="pat.officer", team=Team.PRIVACY_OFFICE, preferred_language="en"
    )
    client = Client()
    client.force_login(officer)
    with time_machine.travel(dt.datetime(2026, 11, 1, 4, 30, tzinfo=UTC), tick=False):
        html = client.get("/console/").content.decode().replace("&#x27;", "'")
    card = html[html.index('id="sync-health"') :]
    card = card[: card.index("</div>")]
    assert (
        '<li class="figure figure-alarm"><span class="figure-label">boreal-prod: never '
        "refreshed (registered more than 31 days ago) · export: the instance answered HTTP 500"
    ) in card
    assert "acme-prod" not in card
