"""The erasure ledger (retention/ledger.py): append-only JSONL outside the database, keyed by
the email digest, robust to a torn last line, strict about any other bad line."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest

from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Person
from omni_privacy.retention import ledger
from omni_privacy.retention.services import retention_run
from tests.retention.factory import ACTOR, organization, record, request_erasure

AS_OF = dt.date(2026, 11, 25)
ERASED_AT = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)


CHUNK = "00000000-0000-4000-8000-00000000000c"


def tombstone(n: int = 1, chunk: str = CHUNK) -> ledger.Tombstone:
    return ledger.Tombstone(
        digest=f"{n:064x}",
        organization="acme",
        source="sales",
        action="delete",
        rule="sales_erasure_request",
        erased_at=ERASED_AT,
        run="00000000-0000-4000-8000-000000000001",
        chunk=chunk,
    )


@pytest.mark.django_db
def test_a_run_writes_one_line_per_erased_holding_and_no_email(ledger_file) -> None:
    nordik = organization("nordik", Interval(dt.date(2020, 1, 1), dt.date(2026, 6, 30)))
    prospect = organization("prospect")
    record(
        nordik,
        "customer_service",
        "Gaspard.Vinet@example.com",
        collected_at=dt.date(2025, 6, 2),
        full_name="Gaspard Vinet",
        phone="514 555 0199",
    )
    # Recorded after the service call: the sweep works (and the ledger lists) in id order.
    record(prospect, "sales", "Gaspard.Vinet@example.com", collected_at=dt.date(2025, 2, 3))
    person = Person.objects.get()
    digest = person.email_digest
    request_erasure(person, dt.date(2026, 9, 15))

    report = retention_run(actor=ACTOR, as_of=AS_OF)

    text = ledger_file.read_text(encoding="utf-8")
    *lines, mark = [json.loads(line) for line in text.splitlines()]
    chunks = {line.pop("chunk") for line in lines}
    # One chunk: its lines, then its commit mark once the transaction committed.
    assert mark == {"v": 1, "committed": chunks.pop()}
    assert chunks == set()
    erased = {line.pop("erased_at") for line in lines}
    assert len(erased) == 1
    assert erased.pop().endswith("+00:00")
    assert lines == [
        {
            "v": 1,
            "digest": digest,
            "organization": "nordik",
            "source": "customer_service",
            "action": "anonymize",
            "rule": "service_not_renewed",
            "run": str(report.run_id),
        },
        {
            "v": 1,
            "digest": digest,
            "organization": "prospect",
            "source": "sales",
            "action": "delete",
            "rule": "sales_erasure_request",
            "run": str(report.run_id),
        },
    ]
    assert report.ledger_lines == 2
    lowered = text.lower()
    assert all(value not in lowered for value in ("gaspard", "vinet", "example.com", "5550199"))
    assert stat.S_IMODE(ledger_file.stat().st_mode) == 0o600
    assert [t.digest for t in ledger.read()] == [digest, digest]


def test_append_then_read_round_trips(tmp_path) -> None:
    path = tmp_path / "ledger.jsonl"
    assert ledger.append([tombstone(1), tombstone(2)], path=path) == 2
    assert ledger.append([], path=path) == 0
    ledger.mark_committed([CHUNK], path=path)
    assert list(ledger.read(path)) == [tombstone(1), tombstone(2)]


def test_only_committed_chunks_are_read_back(tmp_path) -> None:
    path = tmp_path / "ledger.jsonl"
    died = "00000000-0000-4000-8000-0000000000dd"
    ledger.append([tombstone(1)], path=path)
    ledger.append([tombstone(2, chunk=died)], path=path)  # its transaction never committed
    ledger.mark_committed([CHUNK], path=path)
    ledger.append([tombstone(3)], path=path)

    assert list(ledger.read(path)) == [tombstone(1), tombstone(3)]
    assert list(ledger.read(path, committed_only=False)) == [
        tombstone(1),
        tombstone(2, chunk=died),
        tombstone(3),
    ]
    assert ledger.committed_chunks(path) == {CHUNK}
    assert ledger.unmarked_chunks("00000000-0000-4000-8000-000000000001", path) == {died}
    assert ledger.unmarked_chunks("00000000-0000-4000-8000-0000000000ff", path) == set()


def test_a_missing_ledger_reads_as_empty(tmp_path) -> None:
    assert list(ledger.read(tmp_path / "none.jsonl")) == []


def test_a_torn_last_line_is_skipped_then_dropped_on_the_next_append(tmp_path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger.append([tombstone(1)], path=path)
    first = path.read_text()
    with path.open("a") as handle:
        handle.write(tombstone(2).as_json()[:40])  # a crash mid-write: no newline

    assert list(ledger.read(path, committed_only=False)) == [tombstone(1)]

    ledger.append([tombstone(3)], path=path)
    assert path.read_text() == first + tombstone(3).as_json() + "\n"
    assert list(ledger.read(path, committed_only=False)) == [tombstone(1), tombstone(3)]


def test_a_whole_last_line_without_newline_is_kept_and_ended(tmp_path) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_text(tombstone(1).as_json())  # e.g. a copy that lost its final newline
    ledger.append([tombstone(2)], path=path)
    assert path.read_text() == tombstone(1).as_json() + "\n" + tombstone(2).as_json() + "\n"


def test_a_torn_first_line_is_dropped_whole(tmp_path) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_text('{"v":1,"dig')
    ledger.append([tombstone(1)], path=path)
    assert path.read_text() == tombstone(1).as_json() + "\n"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("not json at all", "Expecting value"),
        ('{"v": 2}', "unknown version 2"),
        ('{"v": 1, "digest": "ab"}', "'organization'"),
    ],
)
def test_a_bad_middle_line_names_its_number(tmp_path, bad: str, reason: str) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_text("\n".join([tombstone(1).as_json(), "", bad, tombstone(2).as_json()]) + "\n")
    with pytest.raises(ledger.LedgerError) as error:
        list(ledger.read(path, committed_only=False))
    assert str(error.value).startswith("ledger.jsonl line 3: ")
    assert reason in str(error.value)
