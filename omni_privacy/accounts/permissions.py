"""Who may see and record what: least privilege by team (notice §8, REQUIREMENTS #15).

A team sees and records only the source it owns; privacy officers (notice §12: the CEO and
the QA team leader, jointly) see every source. Software-profile data arrives by the monthly
sync, never by hand, so no team records it; only privacy officers see it.
"""

from __future__ import annotations

from typing import Protocol

from omni_privacy.accounts.models import Team

TEAM_SOURCES: dict[str, frozenset[str]] = {
    Team.CUSTOMER_SERVICE: frozenset({"customer_service"}),
    Team.SALES: frozenset({"sales"}),
    Team.ADMINISTRATION: frozenset({"administrative"}),
}

ALL_SOURCES = frozenset({"software_profile", "customer_service", "sales", "administrative"})


class StaffLike(Protocol):
    """Anything with a team that can be signed in: a User, or AnonymousUser via getattr."""

    @property
    def team(self) -> str: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...


def is_privacy_officer(user: StaffLike) -> bool:
    return bool(user.is_authenticated and user.is_active and user.team == Team.PRIVACY_OFFICE)


def visible_sources(user: StaffLike) -> frozenset[str]:
    """The sources whose holdings ``user`` may see."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    if is_privacy_officer(user):
        return ALL_SOURCES
    return TEAM_SOURCES.get(user.team, frozenset())


def can_view_source(user: StaffLike, source: str) -> bool:
    return source in visible_sources(user)


def can_record_source(user: StaffLike, source: str) -> bool:
    """Recording by hand: a team records its own source; the monthly sync records profiles."""
    if source == "software_profile":
        return False
    return can_view_source(user, source)
