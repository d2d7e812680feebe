"""Reads about staff: who holds the privacy-officer role on a given day (notice §12)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from omni_privacy.accounts.models import PrivacyOfficerDelegation, Team, User


def delegations_holding(*, at: dt.date) -> QuerySet[PrivacyOfficerDelegation]:
    """The delegations that hold on ``at`` (from and until inclusive; revoked from its day)."""
    return PrivacyOfficerDelegation.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=at),
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=at),
        valid_from__lte=at,
    )


def privacy_officers(*, at: dt.date) -> list[User]:
    """The active staff holding a written delegation of the privacy-officer role on ``at``:
    the people every rights request is assigned to and every incident is referred to."""
    holders = delegations_holding(at=at).values("user_id")
    return list(User.objects.filter(pk__in=holders, is_active=True).order_by("username"))


def delegations() -> list[PrivacyOfficerDelegation]:
    """Every delegation ever recorded, newest first (the written record, kept)."""
    return list(
        PrivacyOfficerDelegation.objects.select_related("user", "recorded_by", "revoked_by")
    )


def request_officers(*, at: dt.date) -> list[User]:
    """Who rights requests are assigned to and reminders go to: the holders of a written
    delegation on ``at`` (notice §12); before any delegation is recorded at all (a new
    installation), the active members of the privacy office, so that no request is left
    without an officer."""
    if PrivacyOfficerDelegation.objects.exists():
        return privacy_officers(at=at)
    return list(User.objects.filter(team=Team.PRIVACY_OFFICE, is_active=True).order_by("username"))
