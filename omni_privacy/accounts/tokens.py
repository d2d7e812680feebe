"""Staff API tokens (`omni-privacy api-token create|list|revoke`): shown once, stored hashed,
with a name, a scope and an expiry (issue 15 point 5).

Scopes say which endpoints a token reaches: ``rights`` (submit a rights request and follow
the ones it submitted) and ``queue`` (the privacy officers' queue and workflow; only for a
privacy officer). A token expires (default 90 days, at most 365) and can be revoked; its last
use is recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_noop

from omni_privacy.accounts.models import StaffApiToken, User
from omni_privacy.accounts.permissions import is_privacy_officer
from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.core.errors import (
    Conflict,
    InvalidInputError,
    NotFound,
    Problem,
    define,
)

PREFIX = "op_"
SCOPES = ("rights", "queue")
DEFAULT_DAYS = 90
MAX_DAYS = 365

SCOPE_UNKNOWN = define("api_token.scope_unknown", gettext_noop("must be among: %(allowed)s"))
SCOPE_OFFICER = define(
    "api_token.scope_officer", gettext_noop("the queue scope is for privacy officers only")
)
DAYS_RANGE = define("api_token.days", gettext_noop("must be between 1 and %(max)s days"))
NO_TOKEN = define("api_token.not_found", gettext_noop("no such token"))
ALREADY_REVOKED = define("api_token.already_revoked", gettext_noop("the token is already revoked"))


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(
    *,
    user: User,
    actor: str,
    name: str = "",
    scopes: Iterable[str] | None = None,
    days: int = DEFAULT_DAYS,
) -> tuple[StaffApiToken, str]:
    """A new token for ``user``; returns the row and the token in clear (never stored).
    Without ``scopes``: ``rights``, plus ``queue`` for a privacy officer."""
    if scopes is None:
        scopes = ("rights", "queue") if is_privacy_officer(user) else ("rights",)
    chosen = sorted(set(scopes))
    problems = []
    if not chosen or any(scope not in SCOPES for scope in chosen):
        problems.append(Problem(SCOPE_UNKNOWN, {"allowed": ", ".join(SCOPES)}, field="scope"))
    elif "queue" in chosen and not is_privacy_officer(user):
        problems.append(Problem(SCOPE_OFFICER, field="scope"))
    if not 1 <= days <= MAX_DAYS:
        problems.append(Problem(DAYS_RANGE, {"max": MAX_DAYS}, field="days"))
    if problems:
        raise InvalidInputError(problems)
    raw = PREFIX + secrets.token_urlsafe(32)
    while raw[3] == "-":
        # The prefix is what `api-token revoke PREFIX` takes: one starting with "-" would be
        # read as an option (seen in CI: "the following arguments are required: prefix").
        raw = PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        token = StaffApiToken.objects.create(
            user=user,
            token_hash=_hash(raw),
            prefix=raw[3:9],
            name=name.strip()[:100],
            scopes=chosen,
            expires_at=now + dt.timedelta(days=days),
        )
        audit_record(
            actor=actor,
            action="api_token.created",
            object_type="api_token",
            object_id=str(token.public_id),
            payload={"user": f"user:{user.public_id}", "scopes": chosen, "days": days},
        )
    return token, raw


def api_token_user(raw: str, *, now: dt.datetime, scope: str = "rights") -> User | None:
    """The active staff user a current token with ``scope`` belongs to, or None."""
    if not raw.startswith(PREFIX):
        return None
    token = (
        StaffApiToken.objects.filter(
            token_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    # Tokens made before scopes existed reach what they reached then (rights, and the queue
    # for an officer); the permission check still applies on top.
    if token.scopes and scope not in token.scopes:
        return None
    StaffApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_tokens(*, user: User | None = None) -> list[StaffApiToken]:
    """Tokens, newest first (one user's, or everyone's for an officer's review)."""
    rows = StaffApiToken.objects.select_related("user").order_by("-created_at")
    return list(rows.filter(user=user) if user is not None else rows)


def api_token_revoke(*, prefix: str, actor: str, user: User | None = None) -> StaffApiToken:
    """Revoke the token shown as ``prefix`` (its first characters, as `api-token list` shows
    them); ``user`` limits it to that user's tokens."""
    rows = StaffApiToken.objects.filter(prefix=prefix)
    if user is not None:
        rows = rows.filter(user=user)
    token = rows.first()
    if token is None:
        raise NotFound(NO_TOKEN)
    if token.revoked_at is not None:
        raise Conflict(ALREADY_REVOKED)
    now = clock.now()
    with transaction.atomic():
        token.revoked_at = now
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="api_token.revoked",
            object_type="api_token",
            object_id=str(token.public_id),
            payload={"user": f"user:{token.user.public_id}"},
            occurred_at=now,
        )
    return token
