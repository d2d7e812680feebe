"""Legal holds on the terminal replay in time (issue 12 item 5): a hold placed --as-of a day is
in force from the start of that day, not before; released --as-of a day, that day is no longer
covered. `hold` and `release` print the hold with --json."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from omni_privacy.retention.holds import active_holds
from omni_privacy.retention.models import LegalHold

pytestmark = pytest.mark.django_db


def _hold(run, *extra: str) -> dict:
    return run(
        "retention", "hold", "--organization", "globex", "--reason", "Litigation 2024-007",
        "--by", "pat.officer", "--json", *extra,
    ).json()  # fmt: skip


def _active_on(run, day: str) -> list[tuple[str, bool]]:
    return [(row["hold"], row["active"]) for row in run("retention", "holds", "--as-of", day,
                                                        "--json").json()]  # fmt: skip


def test_a_hold_placed_as_of_a_day_is_not_in_force_before_it(run, registry, officer) -> None:
    placed = _hold(run, "--as-of", "2024-01-01")
    hold = LegalHold.objects.get()
    assert placed == {
        "as_of": "2024-01-01",
        "hold": str(hold.public_id),
        "person": None,
        "organization": "globex",
        "reason": "Litigation 2024-007",
        "placed_by": "pat.officer",
        "placed_at": "2024-01-01T00:00:00-05:00",  # midnight in OMNI_TIME_ZONE (America/Toronto)
        "until": None,
        "released_at": None,
        "released_by": None,
        "active": True,
    }
    assert _active_on(run, "2023-12-01") == [(str(hold.public_id), False)]
    assert _active_on(run, "2024-01-01") == [(str(hold.public_id), True)]
    assert _active_on(run, "2024-01-02") == [(str(hold.public_id), True)]
    assert list(active_holds(as_of=dt.date(2023, 12, 31))) == []


def test_release_as_of_a_day_ends_the_hold_from_that_day(run, registry, officer) -> None:
    hold_id = _hold(run, "--as-of", "2024-01-01")["hold"]
    released = run(
        "retention", "release", hold_id, "--by", "pat.officer", "--as-of", "2024-03-01", "--json"
    ).json()
    assert (released["released_at"], released["released_by"], released["active"]) == (
        "2024-03-01T00:00:00-05:00",
        "pat.officer",
        False,
    )
    assert _active_on(run, "2024-02-29") == [(hold_id, True)]
    assert _active_on(run, "2024-03-01") == [(hold_id, False)]
    # The sweep of a day covered by the hold, replayed after the release, still skips globex.
    receipt = run("retention", "run", "--as-of", "2024-02-15", "--json").json()
    assert receipt["holds"] == [hold_id]


def test_a_release_before_the_hold_was_placed_is_refused(run, registry, officer) -> None:
    hold_id = _hold(run, "--as-of", "2024-01-01")["hold"]
    with pytest.raises(CommandError) as refused:
        run("retention", "release", hold_id, "--by", "pat.officer", "--as-of", "2023-12-31")
    assert str(refused.value) == "--as-of: is before the hold was placed"
    run("retention", "release", hold_id, "--by", "pat.officer", "--as-of", "2024-01-05")
    with pytest.raises(CommandError) as twice:
        run("retention", "release", hold_id, "--by", "pat.officer", "--as-of", "2024-01-06")
    assert str(twice.value) == "the legal hold is already released"
    assert timezone.localdate(LegalHold.objects.get().released_at) == dt.date(2024, 1, 5)
