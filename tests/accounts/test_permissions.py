"""Least privilege by team (notice §8, §12): who sees and who records which source."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from omni_privacy.accounts.permissions import (
    TEAM_SOURCES,
    all_sources,
    can_record_source,
    can_view_source,
    is_privacy_officer,
    may_hold_delegation,
    require_privacy_officer,
    visible_sources,
)
from omni_privacy.core.errors import NotAllowed
from omni_privacy.policy.loader import SHIPPED_POLICY

SOURCES = ("software_profile", "customer_service", "sales", "administrative")


@dataclass
class Staff:
    team: str
    is_active: bool = True
    is_authenticated: bool = True


@pytest.mark.parametrize(
    ("team", "sees"),
    [
        ("customer_service", {"customer_service"}),
        ("sales", {"sales"}),
        ("administration", {"administrative"}),
        ("privacy_office", set(SOURCES)),
        ("unknown_team", set()),
    ],
)
def test_visible_sources_per_team(team: str, sees: set[str]) -> None:
    user = Staff(team)
    assert visible_sources(user) == sees
    assert [source for source in SOURCES if can_view_source(user, source)] == [
        source for source in SOURCES if source in sees
    ]


@pytest.mark.parametrize(
    ("team", "records"),
    [
        ("customer_service", ["customer_service"]),
        ("sales", ["sales"]),
        ("administration", ["administrative"]),
        ("privacy_office", ["customer_service", "sales", "administrative"]),
    ],
)
def test_recordable_sources_per_team(team: str, records: list[str]) -> None:
    assert [source for source in SOURCES if can_record_source(Staff(team), source)] == records


def test_nobody_records_software_profiles_by_hand() -> None:
    teams = ("customer_service", "sales", "administration", "privacy_office")
    assert [can_record_source(Staff(team), "software_profile") for team in teams] == [False] * 4


def test_all_sources_are_the_policys(policy) -> None:  # type: ignore[no-untyped-def]
    assert frozenset(policy.sources) == all_sources()


def test_privacy_officer() -> None:
    assert is_privacy_officer(Staff("privacy_office")) is True
    assert is_privacy_officer(Staff("sales")) is False
    assert is_privacy_officer(Staff("privacy_office", is_active=False)) is False


@pytest.mark.parametrize("team", ["customer_service", "sales", "administration", "privacy_office"])
def test_inactive_staff_see_and_record_nothing(team: str) -> None:
    user = Staff(team, is_active=False)
    assert visible_sources(user) == frozenset()
    assert [can_record_source(user, source) for source in SOURCES] == [False] * 4


def test_anonymous_sees_and_records_nothing() -> None:
    user = AnonymousUser()
    assert visible_sources(user) == frozenset()  # type: ignore[arg-type]
    assert is_privacy_officer(user) is False  # type: ignore[arg-type]
    assert [can_view_source(user, source) for source in SOURCES] == [False] * 4  # type: ignore[arg-type]
    assert [can_record_source(user, source) for source in SOURCES] == [False] * 4  # type: ignore[arg-type]


def test_each_team_owns_a_source_of_the_policy(policy) -> None:  # type: ignore[no-untyped-def]
    owned = sorted(source for sources in TEAM_SOURCES.values() for source in sources)
    assert owned == ["administrative", "customer_service", "sales"]
    assert set(owned) <= set(policy.sources)


def test_what_is_recorded_by_hand_follows_the_policys_channels(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    # A policy in which sales contacts too arrive only by the monthly sync: nobody types them.
    text = SHIPPED_POLICY.read_text(encoding="utf-8")
    start = text.index("[sources.sales]")
    end = text.index("[sources.administrative]")
    sales = text[start:end].replace(
        'channels = ["email", "form", "phone"]', 'channels = ["monthly_sync"]'
    )
    path = tmp_path / "policy.toml"
    path.write_text(text[:start] + sales + text[end:], encoding="utf-8")
    settings.OMNI_POLICY_FILE = str(path)
    assert [can_record_source(Staff(team), "sales") for team in ("sales", "privacy_office")] == [
        False,
        False,
    ]
    assert can_view_source(Staff("sales"), "sales") is True
    settings.OMNI_POLICY_FILE = ""
    assert can_record_source(Staff("sales"), "sales") is True


def test_a_source_unknown_to_the_policy_is_neither_seen_nor_recorded() -> None:
    assert can_view_source(Staff("privacy_office"), "marketing") is False
    assert can_record_source(Staff("privacy_office"), "marketing") is False


def test_only_privacy_officers_pass_the_services_guard() -> None:
    assert require_privacy_officer(Staff("privacy_office")) is None
    for user in (Staff("sales"), Staff("privacy_office", is_active=False), AnonymousUser()):
        with (
            translation.override("en"),
            pytest.raises(PermissionError, match=r"^only privacy officers may do this$") as caught,
        ):
            require_privacy_officer(user)  # type: ignore[arg-type]
        # A NotAllowed with its code, so the interfaces that catch AppError say it in words.
        assert isinstance(caught.value, NotAllowed)
        assert caught.value.code == "accounts.officers_only"


def test_only_active_privacy_office_members_may_hold_a_delegation() -> None:
    assert [
        may_hold_delegation(Staff(team))
        for team in ("customer_service", "sales", "administration", "privacy_office")
    ] == [False, False, False, True]
    assert may_hold_delegation(Staff("privacy_office", is_active=False)) is False
