"""`retention_replay`: re-apply the erasure ledger after a restore (in process; the real
restores, of a SQLite file and of a PostgreSQL database, are in test_replay_restore.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings

from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import LIVE_STATES, Holding, HoldingState, Person
from omni_privacy.retention import ledger, sweep
from omni_privacy.retention.models import RetentionRun, RunStatus
from omni_privacy.retention.services import retention_replay, retention_run
from tests.retention.factory import ACTOR, last_sequence, live, organization, record
from tests.retention.scan import scan_django_database
from tests.retention.scenario import AS_OF, BARNABE, COUNTS, ERASED, populate

pytestmark = pytest.mark.django_db


def snapshot() -> dict[type, list[dict[str, Any]]]:
    return {model: list(model.objects.order_by("pk").values()) for model in (Person, Holding)}


def restore(saved: dict[type, list[dict[str, Any]]]) -> None:
    """Put the people and holdings back as they were (what restoring a backup does to them);
    the timestamps too, which bulk_create would otherwise set to now."""
    Holding.objects.all().delete()
    Person.objects.all().delete()
    for model in (Person, Holding):
        model.objects.bulk_create(model(**row) for row in saved[model])
        for row in saved[model]:
            model.objects.filter(pk=row["id"]).update(
                created_at=row["created_at"], updated_at=row["updated_at"]
            )


def needles() -> set[str]:
    return set().union(*(who.needles(settings.OMNI_DIGEST_KEY) for who in ERASED))


def test_replay_after_a_restore_erases_again_what_came_back(ledger_file, events_after) -> None:
    made = populate()
    before = snapshot()
    swept = retention_run(actor=ACTOR, as_of=AS_OF)
    lines = ledger_file.read_bytes()
    restore(before)
    assert scan_django_database(needles()) != set()
    sequence = last_sequence()

    report = retention_replay(actor=ACTOR, as_of=AS_OF)

    assert (report.kind, report.processed, report.counts, report.people_erased) == (
        "replay",
        4,
        swept.counts,
        2,
    )
    assert swept.counts == COUNTS
    assert scan_django_database(needles()) == set()
    assert live(made["ondine_sales"])["state"] == HoldingState.ACTIVE
    assert list(Holding.objects.filter(state__in=LIVE_STATES).values_list("pk", flat=True)) == [
        made["ondine_sales"].pk
    ]
    assert ledger_file.read_bytes() == lines  # replay appends nothing
    assert [event.action for event in events_after(sequence)] == [
        "retention.replay.started",
        "retention.replay.chunk",
        "retention.anonymisation_registered",
        "retention.replay.receipt",
    ]
    run = RetentionRun.objects.get(public_id=report.run_id)
    assert (run.kind, run.status, run.processed) == ("replay", RunStatus.FINISHED, 4)


def test_replay_without_a_restore_finds_nothing_to_do(ledger_file, events_after) -> None:
    populate()
    retention_run(actor=ACTOR, as_of=AS_OF)
    sequence = last_sequence()

    report = retention_replay(actor=ACTOR, as_of=AS_OF)

    assert (report.processed, report.counts) == (0, {})
    assert [event.action for event in events_after(sequence)] == [
        "retention.replay.started",
        "retention.replay.receipt",
    ]


def test_a_person_collected_again_after_the_erasure_is_kept(ledger_file) -> None:
    made = populate()
    retention_run(actor=ACTOR, as_of=AS_OF)
    # Barnabé contacts sales again: new data, collected after his erasure.
    again = record(
        made["barnabe_sales"].organization,
        "sales",
        BARNABE.email,
        collected_at=AS_OF,
        full_name=BARNABE.full_name,
    )
    kept = live(again)

    report = retention_replay(actor=ACTOR, as_of=AS_OF)

    assert report.processed == 0
    assert live(again) == kept
    assert kept is not None
    assert kept["state"] == HoldingState.ACTIVE


def test_an_empty_ledger_replays_nothing(ledger_file) -> None:
    populate()
    report = retention_replay(actor=ACTOR, as_of=AS_OF)
    assert (report.processed, ledger_file.exists()) == (0, False)
    assert Holding.objects.filter(state__in=LIVE_STATES).count() == 5


def _crash_before_commit(monkeypatch) -> None:
    """A run killed after its chunk's ledger lines are fsynced and before the chunk commits
    (the last write of a chunk is its audit event; failing it rolls the chunk back)."""

    def power_cut(**_kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(sweep, "audit_record", power_cut)
    with pytest.raises(RuntimeError, match="power cut"):
        retention_run(actor=ACTOR, as_of=AS_OF)
    monkeypatch.undo()


def test_a_chunk_that_did_not_commit_is_done_by_the_next_run(monkeypatch, ledger_file) -> None:
    """retention/ledger.py: write-ahead lines of a chunk that never committed are harmless
    (no commit mark); the next run erases what was due and appends its own lines and mark."""
    populate()
    _crash_before_commit(monkeypatch)
    assert len(ledger_file.read_text().splitlines()) == 4
    assert Holding.objects.filter(state__in=LIVE_STATES).count() == 5

    report = retention_run(actor=ACTOR, as_of=AS_OF)

    assert report.counts == COUNTS
    # The dead chunk's 4 lines, unmarked, then the new chunk's 4 lines and its commit mark.
    assert len(ledger_file.read_text().splitlines()) == 9
    assert len(list(ledger.read(ledger_file))) == 4
    assert scan_django_database(needles()) == set()
    assert retention_replay(actor=ACTOR, as_of=AS_OF).processed == 0


def test_an_erasure_that_never_committed_is_not_replayed(monkeypatch, ledger_file) -> None:
    """The crash leaves tombstones for holdings still held; the organisation then renews, so
    its customer-service data is no longer due. A replay (after any later restore) must not
    erase data whose erasure never happened."""
    made = populate()
    _crash_before_commit(monkeypatch)
    organization("nordik", Interval(dt.date(2020, 1, 1)))  # renewed, ongoing
    assert live(made["zephyrine"])["due_at"] is None

    retention_replay(actor=ACTOR, as_of=AS_OF)

    assert live(made["zephyrine"])["state"] == HoldingState.ACTIVE
