"""Crash safety of the sweep (issue 3 item 8): `omni-privacy retention run` is SIGKILLed in the
middle of a large run; a second run finishes the job with nothing lost, nothing done twice, the
killed run closed as interrupted and the audit chain still verifying. On a SQLite file and on a
scratch PostgreSQL database, each migrated and filled by the real console script."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from tests.ops_run.conftest import Site, as_json, as_uuid, fill_registry

AS_OF = "2026-11-25"
PEOPLE = 16_000  # 24,000 holdings: 20,000 due (8,000 deleted, 12,000 anonymised), 4,000 kept
CHUNK = 500
KILL_AFTER = 2 * CHUNK  # kill once at least two chunks have committed
WAIT_SECONDS = 60


@dataclass(frozen=True)
class Before:
    """The registry as it stood before the first run, read by the test."""

    due: dict[uuid.UUID, tuple[str, str, str, str, str]]  # id: (digest, org, source, rule, action)
    kept: set[uuid.UUID]
    kept_digests: set[str]


def _snapshot(site: Site) -> Before:
    rows = site.query(
        "SELECT h.public_id, p.email_digest, o.code, h.source, h.retention_rule,"
        " h.retention_action, h.due_at IS NOT NULL AND h.due_at <= %s"
        " FROM registry_holding h JOIN registry_person p ON p.id = h.person_id"
        " JOIN registry_organization o ON o.id = h.organization_id"
        " WHERE h.state IN ('active', 'pending_deletion')",
        (AS_OF,),
    )
    due = {as_uuid(row[0]): (row[1], row[2], row[3], row[4], row[5]) for row in rows if row[6]}
    kept = [row for row in rows if not row[6]]
    return Before(
        due=due,
        kept={as_uuid(row[0]) for row in kept},
        kept_digests={row[1] for row in kept},
    )


def _tombstones_written(site: Site) -> int:
    """Tombstone lines in the ledger (commit marks left out), complete or not."""
    try:
        data = site.ledger.read_bytes()
    except FileNotFoundError:
        return 0
    return data.count(b'"digest"')


def _in_flight(site: Site) -> bool:
    """A chunk is in flight: its tombstones are written (write-ahead) but it has not committed.
    Read in that order, so that tombstones beyond ``processed`` are not committed yet."""
    written = _tombstones_written(site)
    processed = site.query("SELECT processed FROM retention_retentionrun")
    return bool(processed) and KILL_AFTER <= processed[0][0] < written


def _kill_mid_run(site: Site, total_due: int) -> tuple[str, int]:
    """Start the sweep, SIGKILL it once a few chunks have committed and the next one is in
    flight (or, should it commit before the signal lands, between two chunks), reap it."""
    with (site.directory / "killed-run.log").open("wb") as log:
        process = site.popen("retention", "run", "--as-of", AS_OF, "--chunk", str(CHUNK), log=log)
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            while not _in_flight(site):
                assert time.monotonic() < deadline, "the run never got going"
                assert process.poll() is None, (site.directory / "killed-run.log").read_text()
                time.sleep(0.002)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    run_id, processed = site.query(
        "SELECT public_id, processed FROM retention_retentionrun WHERE status = 'running'"
    )[0]
    assert KILL_AFTER <= processed < total_due
    assert processed % CHUNK == 0  # whole chunks only: the one in flight rolled back
    return str(as_uuid(run_id)), processed


def _chunk_events(site: Site) -> list[tuple[str, dict[str, Any]]]:
    rows = site.query(
        "SELECT object_id, payload FROM audit_auditevent WHERE action = %s ORDER BY sequence",
        ("retention.sweep.chunk",),
    )
    return [(object_id, as_json(payload)) for object_id, payload in rows]


def _ledger_entries(site: Site) -> list[dict[str, str]]:
    return [json.loads(line) for line in site.ledger.read_text("utf-8").splitlines()]


def _kill_then_finish(site: Site) -> None:
    site.migrate()
    assert fill_registry(site, people=PEOPLE, as_of=AS_OF) == {
        "people": PEOPLE,
        "holdings": 24_000,
    }
    before = _snapshot(site)
    due_count = len(before.due)
    assert (due_count, len(before.kept)) == (20_000, 4_000)
    by_action = Counter(entry[4] for entry in before.due.values())
    assert by_action == {"delete": 8_000, "anonymize": 12_000}

    killed, killed_processed = _kill_mid_run(site, due_count)
    # What the killed run committed is exactly what is gone: nothing half-done.
    live_due = "SELECT COUNT(*) FROM registry_holding WHERE state IN ('active', 'pending_deletion')"
    live_due += " AND due_at <= %s"
    assert site.scalar(live_due, (AS_OF,)) == due_count - killed_processed

    second = site.cli("retention", "run", "--as-of", AS_OF, "--json")
    assert (second.returncode, second.stderr) == (0, ""), second.stderr
    report = json.loads(second.stdout)
    assert report["processed"] == due_count - killed_processed
    assert report["interrupted_runs"] == [killed]

    # Runs: the killed one closed as interrupted (its pid is gone on this host), the second
    # finished; between them every due holding once.
    runs = {
        str(as_uuid(public_id)): (status, processed)
        for public_id, status, processed in site.query(
            "SELECT public_id, status, processed FROM retention_retentionrun"
        )
    }
    assert runs == {
        killed: ("interrupted", killed_processed),
        report["run"]: ("finished", due_count - killed_processed),
    }
    interrupted = site.query(
        "SELECT object_id, payload FROM audit_auditevent WHERE action = %s",
        ("retention.run.interrupted",),
    )
    assert [(object_id, as_json(payload)["processed"]) for object_id, payload in interrupted] == [
        (killed, killed_processed)
    ]

    # Nothing done twice: every due holding is listed in exactly one chunk event, under its
    # own rule and action; the killed run's events list exactly what it committed.
    listed: list[tuple[uuid.UUID, str, str]] = []
    per_run: Counter[str] = Counter()
    anonymised_by: Counter[str] = Counter()
    chunks = {}
    for run_id, payload in _chunk_events(site):
        chunks[payload["chunk"]] = run_id
        for rule, actions in payload["holdings"].items():
            for action, ids in actions.items():
                listed.extend((uuid.UUID(value), rule, action) for value in ids)
                per_run[run_id] += len(ids)
                anonymised_by[run_id] += len(ids) if action == "anonymize" else 0
    assert len(listed) == due_count
    assert {holding: (rule, action) for holding, rule, action in listed} == {
        holding: (entry[3], entry[4]) for holding, entry in before.due.items()
    }
    assert per_run == {killed: killed_processed, report["run"]: due_count - killed_processed}

    # The anonymisation register has what each run anonymised, the killed one included.
    register = site.query(
        "SELECT r.public_id, e.public_id, e.holdings FROM retention_anonymisationentry e"
        " JOIN retention_retentionrun r ON r.id = e.run_id"
    )
    assert {str(as_uuid(run_id)): holdings for run_id, _e, holdings in register} == {
        killed: anonymised_by[killed],
        report["run"]: by_action["anonymize"] - anonymised_by[killed],
    }
    assert anonymised_by[killed] > 0
    registered = site.query(
        "SELECT object_id FROM audit_auditevent WHERE action = %s",
        ("retention.anonymisation_registered",),
    )
    assert sorted(row[0] for row in registered) == sorted(str(as_uuid(e)) for _r, e, _h in register)

    # Nothing lost: every due holding deleted or anonymised (its organisation-level facts
    # kept as one unlinked AnonymisedFact), the others untouched.
    assert site.scalar(live_due, (AS_OF,)) == 0
    remaining = site.query("SELECT public_id, state FROM registry_holding")
    assert {as_uuid(public_id) for public_id, _state in remaining} == before.kept
    assert {state for _id, state in remaining} == {"active"}
    facts = site.query(
        "SELECT o.code, f.source, f.retention_rule, COUNT(*) FROM retention_anonymisedfact f"
        " JOIN registry_organization o ON o.id = f.organization_id GROUP BY 1, 2, 3"
    )
    anonymised = Counter(
        (org, source, rule)
        for _digest, org, source, rule, action in before.due.values()
        if action == "anonymize"
    )
    assert {(org, source, rule): count for org, source, rule, count in facts} == anonymised
    # People left with no holding are gone; the others stay.
    people = {row[0] for row in site.query("SELECT email_digest FROM registry_person")}
    assert people == before.kept_digests
    assert (
        site.scalar(
            "SELECT COUNT(*) FROM registry_person p WHERE NOT EXISTS"
            " (SELECT 1 FROM registry_holding h WHERE h.person_id = p.id)"
        )
        == 0
    )

    # The ledger: every chunk that committed (both runs) carries its commit mark, written at
    # once or, for a chunk that died between its commit and its mark, by the second run. Its
    # tombstones name every erased holding exactly once; the only tombstones without a mark
    # are those of the chunk in flight at the kill (written ahead, rolled back, never replayed).
    entries = _ledger_entries(site)
    marks = [entry["committed"] for entry in entries if "committed" in entry]
    assert sorted(marks) == sorted(chunks)
    tombstones = [entry for entry in entries if "committed" not in entry]
    committed = Counter(
        (line["digest"], line["organization"], line["source"], line["rule"], line["action"])
        for line in tombstones
        if line["chunk"] in chunks
    )
    assert sorted(committed.values()) == [1] * due_count
    assert set(committed) == set(before.due.values())
    rolled_back = Counter(line["chunk"] for line in tombstones if line["chunk"] not in chunks)
    assert len(rolled_back) <= 1
    assert sum(rolled_back.values()) <= CHUNK
    assert {line["run"] for line in tombstones if line["chunk"] not in chunks} <= {killed}
    erased_people = {entry[0] for entry in before.due.values()} - before.kept_digests
    assert erased_people <= {line["digest"] for line in tombstones if line["chunk"] in chunks}

    events = site.scalar("SELECT COUNT(*) FROM audit_auditevent")
    verified = site.cli("audit", "verify")
    assert (verified.returncode, verified.stderr) == (0, "")
    assert str(events) in verified.stdout
    check = site.cli("retention", "check", "--as-of", AS_OF, "--json")
    assert check.returncode == 0
    assert json.loads(check.stdout) == {
        "as_of": AS_OF,
        "holdings": [],
        "late": 0,
        "overdue": 0,
        "held": 0,
    }


def test_a_sweep_killed_mid_run_on_sqlite_is_finished_by_the_next_run(sqlite_site: Site) -> None:
    _kill_then_finish(sqlite_site)


@pytest.mark.postgres_only
@pytest.mark.parametrize("postgres_site", ["kill"], indirect=True)
def test_a_sweep_killed_mid_run_on_postgresql_is_finished_by_the_next_run(
    postgres_site: Site,
) -> None:
    _kill_then_finish(postgres_site)
