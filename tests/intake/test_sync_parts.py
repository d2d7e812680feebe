"""A large JSON-lines snapshot is read in parts, by a pool of processes on PostgreSQL
(intake/domain/staged.py): the registry, the counts and the problems are those of reading it
whole, with every line numbered as in the file."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from django.utils import translation

from omni_privacy.intake import pipeline
from omni_privacy.intake.services import SyncRefusedError, sync_import
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Holding
from omni_privacy.registry.services import instance_create
from tests.intake.conftest import ADMIN, SECURITY, as_jsonl, user
from tests.retention.factory import ACTOR, organization, registry_dump

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_reader() -> Iterator[None]:
    """The refusals as an English reader reads them (French: tests/intake/test_sync_import.py)."""
    with translation.override("en"):
        yield


OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def people(count: int, renamed: frozenset[int] = frozenset()):
    return [
        user(
            n,
            f"Personne {n:03d}" + (" Roy" if n in renamed else ""),
            f"personne{n:03d}@example.com",
            "en" if n % 3 else "fr-CA",
            (ADMIN,) if n % 4 else ("viewer",),
        )
        for n in range(1, count + 1)
    ]


@pytest.fixture
def small_parts(monkeypatch, settings):
    """Parts of about three lines, and two processes parsing them (on PostgreSQL)."""
    monkeypatch.setattr(pipeline, "PART_BYTES", 400)
    settings.OMNI_SYNC_WORKERS = 2
    started = []
    real = pipeline._Parsers

    def counted(count, preparer):
        started.append(count)
        return real(count, preparer)

    monkeypatch.setattr(pipeline, "_Parsers", counted)
    return started


def sync(instance, users, as_of, data=None):
    data = as_jsonl(users) if data is None else data
    return sync_import(
        actor=ACTOR, instance=instance, stream=io.BytesIO(data), fmt="jsonl", as_of=as_of
    )


def held(instance):
    return sorted(
        Holding.objects.filter(instance=instance).values_list(
            "source_key", "full_name", "email", "preferred_language", "roles", "state"
        )
    )


def test_parts_give_the_registry_that_reading_whole_gives(instance, small_parts, settings) -> None:
    from django.db import connection

    first = sync(instance, people(60), OCT)
    second = sync(instance, people(55, renamed=frozenset({2, 3, 10})), NOV)
    assert small_parts == ([2, 2] if connection.vendor == "postgresql" else [])
    assert (first.rows, first.counts["added"], first.counts["ignored"]) == (60, 45, 15)
    assert second.counts == {
        "added": 0,
        "updated": 3,
        "restored": 0,
        "scheduled_for_deletion": 3,  # 57, 58 and 59 are gone (56 and 60 have no role)
        "unchanged": 45 - 3 - 3,
        "ignored": 13,
    }
    parted = held(instance)
    # The same snapshots, read whole in the sync's own process, for another organisation:
    # the same rows under their own keys.
    settings.OMNI_SYNC_WORKERS = 1
    pipeline.PART_BYTES = 1 << 30
    globex = organization("globex", Interval(dt.date(2020, 1, 1)))
    other = instance_create(actor=ACTOR, organization=globex, code="globex-prod")
    sync(other, people(60), OCT)
    sync(other, people(55, renamed=frozenset({2, 3, 10})), NOV)
    whole = held(other)
    assert sorted(row[1:] for row in parted) == sorted(row[1:] for row in whole)
    assert {h.full_name for h in Holding.objects.filter(email="personne010@example.com")} == {
        "Personne 010 Roy"
    }


def test_problems_in_several_parts_name_their_file_lines(instance, small_parts) -> None:
    sync(instance, people(10), OCT)
    before = registry_dump()
    lines = as_jsonl(people(30)).splitlines(keepends=True)
    lines[4] = b"not json\n"  # line 5
    lines[20] = lines[1]  # line 21 repeats line 2's user id
    lines[25] = as_jsonl([user(26, "Zed", "zed at example", roles=(SECURITY,))])  # line 26
    with pytest.raises(SyncRefusedError) as refused:
        sync(instance, [], NOV, data=b"".join(lines) + b'{"user_id": 99, "full')
    assert [str(problem) for problem in refused.value.problems] == [
        "line 5: not valid JSON",
        "line 21: user_id: duplicate of line 2",
        "line 31: truncated: the last line is incomplete",
    ]
    assert registry_dump() == before


def test_more_problems_than_are_listed_are_counted_across_parts(instance, small_parts) -> None:
    data = b"".join(b"[%d]\n" % n for n in range(1, 61))
    with pytest.raises(SyncRefusedError) as refused:
        sync(instance, [], OCT, data=data)
    problems = [str(problem) for problem in refused.value.problems]
    assert problems[:2] == ["line 1: not a JSON object", "line 2: not a JSON object"]
    assert problems[49] == "line 50: not a JSON object"
    assert problems[50:] == ["... and 10 more problems"]


def test_a_name_with_copy_specials_is_stored_as_written(instance, small_parts) -> None:
    name = "Zoé \\ Back\\slash \\N"
    sync(instance, [*people(12), user(13, name, "zoe@example.com")], OCT)
    assert Holding.objects.get(email="zoe@example.com").full_name == name
    again = sync(instance, [*people(12), user(13, name, "zoe@example.com")], NOV)
    assert again.counts["unchanged"] == 10
