"""Staff API tokens (`omni-privacy api-token create USERNAME`): shown once, stored hashed."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction

from omni_privacy.accounts.models import StaffApiToken, User
from omni_privacy.audit.services import audit_record

PREFIX = "op_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(*, user: User, actor: str) -> tuple[StaffApiToken, str]:
    """A new token for ``user``; returns the row and the token in clear (never stored)."""
    raw = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = StaffApiToken.objects.create(user=user, token_hash=_hash(raw), prefix=raw[3:9])
        audit_record(
            actor=actor,
            action="api_token.created",
            object_type="api_token",
            object_id=str(token.public_id),
            payload={"user": f"user:{user.public_id}"},
        )
    return token, raw


def api_token_user(raw: str, *, now: dt.datetime) -> User | None:
    """The active staff user a token belongs to, or None."""
    if not raw.startswith(PREFIX):
        return None
    token = (
        StaffApiToken.objects.filter(
            token_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if token is None:
        return None
    StaffApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
