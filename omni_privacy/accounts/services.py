"""Writes about staff: accounts, and the written delegation of the privacy-officer role (notice
§12; QC s.3.1). Each is one transaction with its audit event, which names accounts by public id
only. Staff API tokens are in accounts/tokens.py."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from omni_privacy.accounts.models import PrivacyOfficerDelegation, Team, User
from omni_privacy.accounts.permissions import is_privacy_officer, may_hold_delegation
from omni_privacy.audit.services import actor_for, audit_record
from omni_privacy.core.errors import FieldError, InvalidInputError

DOCUMENT_MAX = 200


def _recorder(actor: User | str | None, field: str) -> User | None:
    if isinstance(actor, User):
        if not is_privacy_officer(actor):
            raise InvalidInputError([FieldError(field, "only a privacy officer may do this")])
        return actor
    return None


def _label(actor: User | str | None) -> str:
    return actor_for(actor) if isinstance(actor, User) else (actor or "system")


def staff_create(
    *, actor: str, username: str, team: str, password: str, demo_account: bool = False
) -> User:
    """Create a staff account in ``team``; the audit event names the team only (the username
    may be a person's name). Refuses (InvalidInputError, nothing written) an unknown team
    (code ``unknown``), an empty or taken username (``empty``, ``taken``) and a password the
    password validators refuse (``weak``: their messages, in the active language).
    ``demo_account``: a demo run's account (`bootstrap --demo` only), whose published demo
    passphrase the validators would refuse."""
    if team not in Team.values:
        raise InvalidInputError([FieldError("team", "is not a team", code="unknown")])
    if not username:
        raise InvalidInputError([FieldError("username", "is empty", code="empty")])
    if User.objects.filter(username=username).exists():
        raise InvalidInputError([FieldError("username", "already exists", code="taken")])
    try:
        if not demo_account:
            validate_password(password, User(username=username, team=team))
    except ValidationError as exc:
        raise InvalidInputError(
            [FieldError("password", " ".join(exc.messages), code="weak")]
        ) from exc
    with transaction.atomic():
        user = User(username=username, team=team)
        user.set_password(password)
        user.save()
        audit_record(
            actor=actor,
            action="staff.created",
            object_type="user",
            object_id=str(user.public_id),
            payload={"team": team},
        )
    return user


def privacy_officer_delegate(
    *,
    user: User,
    valid_from: dt.date,
    document: str,
    valid_until: dt.date | None = None,
    actor: User | str | None,
    at: dt.datetime,
) -> PrivacyOfficerDelegation:
    """Record a written delegation of the role to ``user``, a privacy-office account."""
    recorder = _recorder(actor, "recorded_by")
    errors = []
    if not may_hold_delegation(user):
        errors.append(FieldError("user", "must be an active account of the privacy office team"))
    document = document.strip()
    if not document:
        errors.append(FieldError("document", "is required: the reference of the signed delegation"))
    elif len(document) > DOCUMENT_MAX:
        errors.append(FieldError("document", f"is longer than {DOCUMENT_MAX} characters"))
    if valid_until is not None and valid_until < valid_from:
        errors.append(FieldError("until", "is before the first day (--from)"))
    if errors:
        raise InvalidInputError(errors)
    with transaction.atomic():
        delegation = PrivacyOfficerDelegation.objects.create(
            user=user,
            valid_from=valid_from,
            valid_until=valid_until,
            document=document,
            recorded_by=recorder,
            recorded_at=at,
        )
        audit_record(
            actor=_label(actor),
            action="privacy_officer.delegated",
            object_type="privacy_officer_delegation",
            object_id=str(delegation.public_id),
            payload={
                "user": str(user.public_id),
                "from": valid_from.isoformat(),
                "until": valid_until.isoformat() if valid_until else None,
            },
            occurred_at=at,
        )
    return delegation


def privacy_officer_revoke(
    *,
    delegation: PrivacyOfficerDelegation,
    on: dt.date,
    actor: User | str | None,
    at: dt.datetime,
) -> PrivacyOfficerDelegation:
    """End a delegation from ``on`` (that day included: it no longer holds then)."""
    revoker = _recorder(actor, "revoked_by")
    with transaction.atomic():
        updated = PrivacyOfficerDelegation.objects.filter(
            pk=delegation.pk, revoked_on__isnull=True
        ).update(revoked_on=on, revoked_at=at, revoked_by=revoker)
        if not updated:
            raise InvalidInputError([FieldError("delegation", "is already revoked")])
        audit_record(
            actor=_label(actor),
            action="privacy_officer.revoked",
            object_type="privacy_officer_delegation",
            object_id=str(delegation.public_id),
            payload={"user": str(delegation.user.public_id), "on": on.isoformat()},
            occurred_at=at,
        )
    delegation.refresh_from_db()
    return delegation
