"""The receipt of a run: its audit events, its run row, its chunks (REQUIREMENTS #8-#11)."""

from __future__ import annotations

import datetime as dt
import socket
import uuid

import pytest
from django.utils import timezone

from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.services import audit_verify
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Holding
from omni_privacy.retention.models import RetentionRun, RunStatus
from omni_privacy.retention.runs import RunReport
from omni_privacy.retention.services import retention_run
from tests.retention.factory import ACTOR, last_sequence, organization, record, registry_dump

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 25)
ENDED = Interval(dt.date(2020, 1, 1), dt.date(2026, 6, 30))  # not renewed on 2026-07-01


def services(count: int) -> list[Holding]:
    nordik = organization("nordik", ENDED)
    return [
        record(
            nordik, "customer_service", f"client{n}@example.com", collected_at=dt.date(2025, 6, 2)
        )
        for n in range(count)
    ]


def listed(event: AuditEvent) -> list[str]:
    return [
        public_id
        for by_action in event.payload["holdings"].values()
        for ids in by_action.values()
        for public_id in ids
    ]


def test_a_run_writes_started_chunk_register_and_receipt(events_after) -> None:
    anonymised = services(2)
    profile = record(
        anonymised[0].organization,
        "software_profile",
        "ines@example.com",
        collected_at=dt.date(2025, 1, 5),
    )
    ordered = sorted([*anonymised, profile], key=lambda holding: holding.pk)
    before = last_sequence()

    report = retention_run(actor=ACTOR, as_of=AS_OF)

    events = events_after(before)
    assert [event.action for event in events] == [
        "retention.sweep.started",
        "retention.sweep.chunk",
        "retention.anonymisation_registered",
        "retention.sweep.receipt",
    ]
    started, chunk, registered, receipt = events
    run_id = str(report.run_id)
    assert [(e.object_type, e.object_id) for e in (started, chunk, receipt)] == [
        ("retention_run", run_id)
    ] * 3
    assert started.payload == {"as_of": "2026-11-25"}
    # The chunk's name, which its ledger lines and commit mark carry too.
    assert uuid.UUID(chunk.payload["chunk"]).version == 4
    assert chunk.payload == {
        "as_of": "2026-11-25",
        "chunk": chunk.payload["chunk"],
        "count": 3,
        "people_erased": 3,
        "holdings": {
            "profile_subscription_not_renewed": {"delete": [str(profile.public_id)]},
            "service_not_renewed": {
                "anonymize": [str(holding.public_id) for holding in anonymised]
            },
        },
    }
    duration = receipt.payload["duration_ms"]
    assert isinstance(duration, int)
    assert duration >= 0
    assert receipt.payload == {
        "as_of": "2026-11-25",
        "processed": 3,
        "people_erased": 3,
        "clauses": {
            "profile_subscription_not_renewed": {
                "clause": "§3 ¶1, §4 ¶2",
                "delete": 1,
                "anonymize": 0,
                "held": 0,
            },
            "service_not_renewed": {"clause": "§4 ¶2", "delete": 0, "anonymize": 2, "held": 0},
        },
        "holds": [],
        "first_holding": str(ordered[0].public_id),
        "last_holding": str(ordered[-1].public_id),
        "first_event": chunk.sequence,
        "last_event": chunk.sequence,
        "duration_ms": duration,
        "ledger_lines": 3,
        "anonymisation_entry": registered.object_id,
        "interrupted_runs": [],
    }

    run = RetentionRun.objects.get(public_id=report.run_id)
    assert (
        run.kind,
        run.as_of,
        run.actor,
        run.status,
        run.processed,
        run.people_erased,
        run.counts,
        run.held,
        str(run.first_holding),
        str(run.last_holding),
        run.first_event,
        run.last_event,
        run.receipt_event,
        run.duration_ms,
    ) == (
        "sweep",
        AS_OF,
        ACTOR,
        RunStatus.FINISHED,
        3,
        3,
        {
            "profile_subscription_not_renewed": {"delete": 1},
            "service_not_renewed": {"anonymize": 2},
        },
        {},
        receipt.payload["first_holding"],
        receipt.payload["last_holding"],
        chunk.sequence,
        chunk.sequence,
        receipt.sequence,
        duration,
    )
    assert run.finished_at is not None
    assert (report.receipt_event, report.first_event, report.last_event) == (
        receipt.sequence,
        chunk.sequence,
        chunk.sequence,
    )
    assert audit_verify() == (receipt.sequence, None)


def test_chunks_split_the_work_and_cover_it_once(settings, events_after) -> None:
    settings.OMNI_RETENTION_CHUNK = 3
    holdings = sorted(services(10), key=lambda holding: holding.pk)
    before = last_sequence()
    seen: list[int] = []

    report = retention_run(
        actor=ACTOR, as_of=AS_OF, progress=lambda so_far: seen.append(so_far.processed)
    )

    events = events_after(before)
    actions = [event.action for event in events]
    assert actions == [
        "retention.sweep.started",
        *["retention.sweep.chunk"] * 4,
        "retention.anonymisation_registered",
        "retention.sweep.receipt",
    ]
    chunks = events[1:5]
    assert [event.payload["count"] for event in chunks] == [3, 3, 3, 1]
    ids = [set(listed(event)) for event in chunks]
    assert [len(group) for group in ids] == [3, 3, 3, 1]
    assert set().union(*ids) == {str(holding.public_id) for holding in holdings}
    assert sum(len(group) for group in ids) == 10  # disjoint
    assert seen == [3, 6, 9, 10]

    run = RetentionRun.objects.get(public_id=report.run_id)
    assert (run.processed, run.first_event, run.last_event, run.receipt_event) == (
        10,
        chunks[0].sequence,
        chunks[-1].sequence,
        events[-1].sequence,
    )
    assert (run.first_holding, run.last_holding) == (holdings[0].public_id, holdings[-1].public_id)
    assert audit_verify() == (events[-1].sequence, None)


def test_a_run_that_only_deletes_has_no_register_event(events_after) -> None:
    record(
        organization("acme", ENDED),
        "software_profile",
        "ines@example.com",
        collected_at=dt.date(2025, 1, 5),
    )
    before = last_sequence()
    retention_run(actor=ACTOR, as_of=AS_OF)
    assert [event.action for event in events_after(before)] == [
        "retention.sweep.started",
        "retention.sweep.chunk",
        "retention.sweep.receipt",
    ]


def test_a_run_with_nothing_due_still_leaves_a_receipt(events_after) -> None:
    before = last_sequence()
    report = retention_run(actor=ACTOR, as_of=AS_OF)
    events = events_after(before)
    assert [event.action for event in events] == [
        "retention.sweep.started",
        "retention.sweep.receipt",
    ]
    payload = events[-1].payload
    assert (
        payload["processed"],
        payload["clauses"],
        payload["first_event"],
        payload["last_event"],
    ) == (
        0,
        {},
        None,
        None,
    )
    run = RetentionRun.objects.get(public_id=report.run_id)
    assert (run.status, run.processed, run.counts, run.first_holding) == (
        RunStatus.FINISHED,
        0,
        {},
        None,
    )


def test_a_dry_run_writes_nothing(ledger_file) -> None:
    services(2)
    dump, before = registry_dump(), last_sequence()

    plan = retention_run(actor=ACTOR, as_of=AS_OF, dry_run=True)

    assert (plan.dry_run, plan.run_id, plan.processed, plan.counts) == (
        True,
        None,
        2,
        {"service_not_renewed": {"anonymize": 2}},
    )
    assert RetentionRun.objects.count() == 0
    assert last_sequence() == before
    assert registry_dump() == dump
    assert not ledger_file.exists()


def test_a_run_left_running_by_a_dead_process_is_marked_interrupted(events_after) -> None:
    services(1)
    stale = timezone.now() - dt.timedelta(hours=1)
    dead = RetentionRun.objects.create(
        as_of=AS_OF,
        actor=ACTOR,
        started_at=stale,
        heartbeat_at=stale,
        host=f"not-{socket.gethostname()}",
        pid=1,
        processed=7,
    )
    before = last_sequence()

    report = retention_run(actor=ACTOR, as_of=AS_OF)

    events = events_after(before)
    assert [event.action for event in events][:2] == [
        "retention.run.interrupted",
        "retention.sweep.started",
    ]
    assert (events[0].object_id, events[0].payload["processed"]) == (str(dead.public_id), 7)
    assert report.interrupted == [str(dead.public_id)]
    assert events[-1].payload["interrupted_runs"] == [str(dead.public_id)]
    dead.refresh_from_db()
    assert dead.status == RunStatus.INTERRUPTED
    assert isinstance(report, RunReport)
    assert report.processed == 1
