"""`sync pull` over real HTTP on loopback (issue 4 items 3 and 6): the export is fetched with
the instance's token; a refused token, a 500, a timeout or a truncated body applies nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from omni_privacy.audit.models import AuditEvent
from omni_privacy.intake.models import SyncRun
from omni_privacy.intake.services import SyncRefusedError, sync_pull
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Holding
from omni_privacy.registry.services import instance_create
from tests.intake.conftest import TOKEN, Export
from tests.retention.factory import ACTOR, organization

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 1)


def _instance(url: str, token: str | None = TOKEN):
    acme = organization("acme", Interval(dt.date(2020, 1, 1)))
    return instance_create(
        actor=ACTOR, organization=acme, code="acme-prod", export_url=url, token=token
    )


@pytest.mark.parametrize("path", ["/users.jsonl", "/users.csv"])
def test_pull_fetches_with_the_token_and_applies(export_server, path) -> None:
    instance = _instance(export_server + path)
    report = sync_pull(actor=ACTOR, instance=instance, as_of=AS_OF)
    assert (report.rows, report.counts["added"], report.counts["ignored"]) == (2, 1, 1)
    assert Export.seen_tokens == [f"Bearer {TOKEN}"]
    assert list(Holding.objects.values_list("email", flat=True)) == ["lea.tremblay@example.com"]
    assert SyncRun.objects.get().origin == "pull"


@pytest.mark.parametrize(
    ("path", "token", "message"),
    [
        ("/users.jsonl", "wrong-token", "export: the instance refused the token (HTTP 401)"),
        ("/broken", TOKEN, "export: the instance answered HTTP 500"),
        ("/slow", TOKEN, "export: no answer from the instance within 0.5 s"),
        ("/truncated", TOKEN, "export: truncated: received "),
    ],
)
def test_a_failed_fetch_is_a_refused_sync(export_server, path, token, message) -> None:
    instance = _instance(export_server + path, token)
    with pytest.raises(SyncRefusedError) as refused:
        sync_pull(actor=ACTOR, instance=instance, as_of=AS_OF, timeout=0.5)
    assert str(refused.value).startswith(message)
    assert Holding.objects.count() == 0
    run = SyncRun.objects.get()
    assert (run.status, run.origin) == ("failed", "pull")
    assert token not in run.problems
    assert AuditEvent.objects.filter(action="sync.failed").count() == 1
    instance.refresh_from_db()
    assert instance.last_synced_at is None


def test_an_instance_nobody_answers_for(db) -> None:
    instance = _instance("http://127.0.0.1:9/users.jsonl")  # the discard port: refused
    with pytest.raises(SyncRefusedError, match="export: cannot reach the instance"):
        sync_pull(actor=ACTOR, instance=instance, as_of=AS_OF, timeout=0.5)
