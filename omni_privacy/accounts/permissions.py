"""Who may do what: the one module that answers every "may this person do this" (notice §8:
least privilege; §12: the privacy officers; REQUIREMENTS #15, #26). The console, the API, the
CLI and the domain services ask these predicates; none decides for itself.

- A team sees and records only the source it owns (``TEAM_SOURCES``); privacy officers see
  every source of the policy file. A source that arrives only by the monthly sync (the
  software profiles) is recorded by nobody by hand.
- A privacy officer is an active member of the privacy office (notice §12: the CEO and the QA
  team leader, jointly). Only they handle rights requests, legal holds, notice versions and
  delegations, and they may follow every rights request submitted over the API.
- Who holds the role on a given day, to be assigned rights requests and reminded of them,
  follows the written delegations (QC s.3.1): ``request_officers``.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.db.models import QuerySet

from omni_privacy.accounts.models import PrivacyOfficerDelegation, Team, User
from omni_privacy.accounts.selectors import privacy_officers
from omni_privacy.core.errors import NotAllowed, define, gettext_noop
from omni_privacy.policy.domain.collection import synced_only
from omni_privacy.policy.loader import active_policy

# The source each team owns (a policy source id). The sources themselves, their channels and
# fields are the policy file's; only this pairing with accounts' teams is accounts' own.
TEAM_SOURCES: dict[str, frozenset[str]] = {
    Team.CUSTOMER_SERVICE: frozenset({"customer_service"}),
    Team.SALES: frozenset({"sales"}),
    Team.ADMINISTRATION: frozenset({"administrative"}),
}


class StaffLike(Protocol):
    """Anything with a team that can be signed in: a User, or AnonymousUser via getattr."""

    @property
    def team(self) -> str: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def is_authenticated(self) -> bool: ...


def all_sources() -> frozenset[str]:
    """Every source of the policy in force (what a privacy officer sees)."""
    return frozenset(active_policy().sources)


def is_privacy_officer(user: StaffLike) -> bool:
    """An active member of the privacy office: may act as privacy officer (notice §12)."""
    return bool(user.is_authenticated and user.is_active and user.team == Team.PRIVACY_OFFICE)


OFFICERS_ONLY = define("accounts.officers_only", gettext_noop("only privacy officers may do this"))


class OfficersOnly(NotAllowed, PermissionError):  # noqa: N818 (reads as what happened)
    """Not a privacy officer: a :class:`NotAllowed` (interfaces catch ``AppError``) that is
    still a ``PermissionError``, so the callers that catch that keep working."""

    default_code = OFFICERS_ONLY


def require_privacy_officer(user: StaffLike) -> None:
    """Refuse (:class:`OfficersOnly`) anyone but a privacy officer: the domain services' guard."""
    if not is_privacy_officer(user):
        raise OfficersOnly(OFFICERS_ONLY)


def visible_sources(user: StaffLike) -> frozenset[str]:
    """The sources whose holdings ``user`` may see."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    if is_privacy_officer(user):
        return all_sources()
    return TEAM_SOURCES.get(user.team, frozenset()) & all_sources()


def can_view_source(user: StaffLike, source: str) -> bool:
    return source in visible_sources(user)


def can_record_source(user: StaffLike, source: str) -> bool:
    """Recording by hand: a team records its own source; what the policy collects only by the
    monthly sync (software profiles) nobody records by hand."""
    policy = active_policy()
    if source not in policy.sources or synced_only(policy, source):
        return False
    return can_view_source(user, source)


def can_follow_api_request(user: User, *, submitted_by_id: int | None) -> bool:
    """A rights request submitted over the API may be followed (status, revocation) by the
    account that submitted it, and by privacy officers."""
    return submitted_by_id == user.pk or is_privacy_officer(user)


def may_hold_delegation(user: StaffLike) -> bool:
    """Only an active member of the privacy office may be delegated the role (notice §12)."""
    return bool(user.is_active and user.team == Team.PRIVACY_OFFICE)


def delegation_candidates() -> QuerySet[User]:
    """The accounts ``may_hold_delegation`` accepts, by username."""
    return User.objects.filter(team=Team.PRIVACY_OFFICE, is_active=True).order_by("username")


def request_officers(*, at: dt.date) -> list[User]:
    """Who holds the privacy-officer role on ``at``, to be assigned rights requests and sent
    their reminders: the holders of a written delegation (notice §12; QC s.3.1); before any
    delegation is recorded at all (a new installation), the active members of the privacy
    office, so that no request is left without an officer."""
    if PrivacyOfficerDelegation.objects.exists():
        return privacy_officers(at=at)
    return list(delegation_candidates())


def may_reset_second_factor(actor: StaffLike, target: StaffLike) -> bool:
    """Another privacy officer resets a staff member's second factor (issue 15), never their own."""
    return is_privacy_officer(actor) and actor != target
