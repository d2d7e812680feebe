"""What one snapshot row does to the registry (notice §2.4 scenario 1, §4 ¶1).

Pure: the sync service (intake/sync.py) reads what is held, asks `profile_change` for each user
of the snapshot and for each held profile the snapshot no longer flags, and writes the answer.

- a new user with one of the three roles: a holding is created;
- a changed name, email or language: the holding is rectified from the source;
- every role removed, or the user gone from the export: the holding is scheduled for deletion
  (the role-removal day starts notice §4 ¶1's clock: deleted within 60 days);
- a role added back before the deletion happened: the holding is kept;
- a user without any of the three roles who is not held: ignored, nothing stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

COMPARED_FIELDS = ("full_name", "email", "preferred_language", "roles")


class Change(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    RESTORED = "restored"
    SCHEDULED = "scheduled_for_deletion"
    UNCHANGED = "unchanged"
    IGNORED = "ignored"


@dataclass(frozen=True)
class Profile:
    """What the registry keeps of a user profile (normalised: email as the gate stores it,
    roles limited to the three flagged ones and sorted)."""

    full_name: str | None
    email: str
    preferred_language: str | None
    roles: tuple[str, ...]


@dataclass(frozen=True)
class HeldProfile:
    profile: Profile
    role_removed_at: dt.date | None


def flagged_roles(roles: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The roles of ``roles`` that allow collection (the policy's three), sorted, once each."""
    return tuple(sorted(set(roles) & set(allowed)))


def changed_fields(held: Profile, offered: Profile) -> tuple[str, ...]:
    """Names of the fields that differ (what a rectification changed; never the values)."""
    return tuple(name for name in COMPARED_FIELDS if getattr(held, name) != getattr(offered, name))


def profile_change(held: HeldProfile | None, offered: Profile | None) -> Change:
    """The change for one user; ``offered`` is None when the user is gone from the export or
    holds none of the three roles any more."""
    if offered is None or not offered.roles:
        if held is None:
            return Change.IGNORED
        # Already scheduled: the first removal day keeps counting (never restarted).
        return Change.UNCHANGED if held.role_removed_at is not None else Change.SCHEDULED
    if held is None:
        return Change.ADDED
    if held.role_removed_at is not None:
        return Change.RESTORED
    return Change.UPDATED if changed_fields(held.profile, offered) else Change.UNCHANGED
