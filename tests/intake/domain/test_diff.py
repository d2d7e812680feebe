"""Diff semantics of the monthly sync (intake/domain/diff.py). Pure: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from omni_privacy.intake.domain.diff import (
    Change,
    HeldProfile,
    Profile,
    changed_fields,
    flagged_roles,
    profile_change,
)

ADMIN = ("system_administrator",)
LEA = Profile("Léa Tremblay", "lea@example.com", "fr", ADMIN)
REMOVED = dt.date(2026, 10, 1)


def held(profile: Profile = LEA, removed: dt.date | None = None) -> HeldProfile:
    return HeldProfile(profile, removed)


def test_only_the_three_roles_count_sorted_and_once() -> None:
    allowed = ("system_administrator", "update_notice_subscriber", "security_incident_contact")
    roles = ("viewer", "update_notice_subscriber", "system_administrator", "system_administrator")
    assert flagged_roles(roles, allowed) == ("system_administrator", "update_notice_subscriber")
    assert flagged_roles(("viewer", "billing"), allowed) == ()


@pytest.mark.parametrize(
    ("before", "offered", "change"),
    [
        (None, LEA, Change.ADDED),
        (None, Profile("Léa Tremblay", "lea@example.com", "fr", ()), Change.IGNORED),
        (None, None, Change.IGNORED),
        (held(), LEA, Change.UNCHANGED),
        (held(), Profile("Léa Tremblay-Roy", "lea@example.com", "fr", ADMIN), Change.UPDATED),
        (held(), Profile("Léa Tremblay", "lea@example.org", "fr", ADMIN), Change.UPDATED),
        (held(), Profile("Léa Tremblay", "lea@example.com", "en", ADMIN), Change.UPDATED),
        (
            held(),
            Profile("Léa Tremblay", "lea@example.com", "fr", ("security_incident_contact",)),
            Change.UPDATED,
        ),
        (held(), Profile("Léa Tremblay", "lea@example.com", "fr", ()), Change.SCHEDULED),
        (held(), None, Change.SCHEDULED),
        (held(removed=REMOVED), None, Change.UNCHANGED),
        (held(removed=REMOVED), LEA, Change.RESTORED),
    ],
)
def test_profile_change(before, offered, change) -> None:
    assert profile_change(before, offered) == change


def test_changed_fields_names_fields_never_values() -> None:
    offered = Profile("Léa Roy", "lea@example.org", "fr", ADMIN)
    assert changed_fields(LEA, offered) == ("full_name", "email")
    assert changed_fields(LEA, LEA) == ()
