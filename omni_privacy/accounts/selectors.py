"""Reads about staff: the written delegations of the privacy-officer role (notice §12). Who may
do what, including who holds the role today, is accounts.permissions'."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from omni_privacy.accounts.models import PrivacyOfficerDelegation, User


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
