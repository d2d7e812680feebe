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
from omni_privacy.core.errors import InvalidInputError, Problem, define, gettext_noop

# A password the validators refuse: their reasons, already in the reader's language.
WEAK_PASSWORD = define("accounts.weak_password", "%(reasons)s")
# Refusals of accounts, as codes said in the reader's language (core/errors.py).
ONLY_PRIVACY_OFFICER_MAY = define(
    "accounts.only_privacy_officer_may", gettext_noop("only a privacy officer may do this")
)
NOT_TEAM = define("accounts.not_team", gettext_noop("is not a team"))
EMPTY = define("accounts.empty", gettext_noop("is empty"))
ALREADY_EXISTS = define("accounts.already_exists", gettext_noop("already exists"))
MUST_ACTIVE_ACCOUNT_PRIVACY = define(
    "accounts.must_active_account_privacy",
    gettext_noop("must be an active account of the privacy office team"),
)
REQUIRED_REFERENCE_SIGNED_DELEGATION = define(
    "accounts.required_reference_signed_delegation",
    gettext_noop("is required: the reference of the signed delegation"),
)
LONGER_THAN_CHARACTERS = define(
    "accounts.longer_than_characters", gettext_noop("is longer than %(document_max)s characters")
)
BEFORE_FIRST_DAY_FROM = define(
    "accounts.before_first_day_from", gettext_noop("is before the first day (--from)")
)
ALREADY_REVOKED = define("accounts.already_revoked", gettext_noop("is already revoked"))

DOCUMENT_MAX = 200


def _recorder(actor: User | str | None, field: str) -> User | None:
    if isinstance(actor, User):
        if not is_privacy_officer(actor):
            raise InvalidInputError([Problem(ONLY_PRIVACY_OFFICER_MAY, field=field)])
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
        raise InvalidInputError([Problem(NOT_TEAM, field="team")])
    if not username:
        raise InvalidInputError([Problem(EMPTY, field="username")])
    if User.objects.filter(username=username).exists():
        raise InvalidInputError([Problem(ALREADY_EXISTS, field="username")])
    try:
        if not demo_account:
            validate_password(password, User(username=username, team=team))
    except ValidationError as exc:
        raise InvalidInputError(
            [Problem(WEAK_PASSWORD, {"reasons": " ".join(exc.messages)}, field="password")]
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
        errors.append(Problem(MUST_ACTIVE_ACCOUNT_PRIVACY, field="user"))
    document = document.strip()
    if not document:
        errors.append(Problem(REQUIRED_REFERENCE_SIGNED_DELEGATION, field="document"))
    elif len(document) > DOCUMENT_MAX:
        errors.append(
            Problem(LONGER_THAN_CHARACTERS, {"document_max": DOCUMENT_MAX}, field="document")
        )
    if valid_until is not None and valid_until < valid_from:
        errors.append(Problem(BEFORE_FIRST_DAY_FROM, field="until"))
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
            raise InvalidInputError([Problem(ALREADY_REVOKED, field="delegation")])
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
