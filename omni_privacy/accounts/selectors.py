"""Reads about staff: the written delegations of the privacy-officer role (notice §12), and the
names of the staff members an audit log names (read at reading time). Who may
do what, including who holds the role today, is accounts.permissions'."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Q, QuerySet

from omni_privacy.accounts.models import PrivacyOfficerDelegation, User
from omni_privacy.audit.models import AuditEvent


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


def _user_ids(events: list[AuditEvent]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for event in events:
        for label in (event.actor, str(event.payload.get("assignee", ""))):
            if label.startswith("user:"):
                try:
                    found.add(uuid.UUID(label[5:]))
                except ValueError:
                    continue
    return found


def staff_names(events: list[AuditEvent]) -> dict[str, str]:
    """The names of the staff members these events name (public id → name)."""
    return {
        str(user.public_id): user.get_full_name() or user.get_username()
        for user in User.objects.filter(public_id__in=_user_ids(events))
    }
