"""Staff sign-in events and the second factor (issue 15). Every sign-in, failure, lockout,
second-factor change and password change is one audit event, naming the account by public id
and the client address, if at all, by a keyed digest: never a username, a name or an address.

The second factor is django-otp's: a TOTP device (an authenticator app) and a static device
holding single-use recovery codes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from omni_privacy.accounts.models import SpentSignInToken, Team, User
from omni_privacy.accounts.permissions import may_reset_second_factor
from omni_privacy.accounts.services import WEAK_PASSWORD
from omni_privacy.audit.services import actor_for, audit_record
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError, Problem, define, gettext_noop

# Refusals of signin, as codes said in the reader's language (core/errors.py).
NOT_CODE_SHOWN = define("signin.not_code_shown", gettext_noop("is not the code shown"))
NO_SECOND_FACTOR = define("signin.no_second_factor", gettext_noop("no second factor"))

RECOVERY_CODES = 10
TOKEN_LIFETIME = dt.timedelta(hours=1)


def address_digest(request: HttpRequest | None) -> str | None:
    """A keyed digest of the client address (OMNI_DIGEST_KEY): the same address links its
    events, and the address itself is not written."""
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    if not address:
        return None
    key = str(settings.OMNI_DIGEST_KEY).encode()
    digest = hmac.new(key, f"signin-address\x00{address}".encode(), hashlib.sha256).hexdigest()
    return f"addr-{digest[:32]}"


def _record(*, user: User | None, action: str, request: HttpRequest | None, **payload: Any) -> None:
    body: dict[str, Any] = {"address": address_digest(request), **payload}
    with transaction.atomic():
        audit_record(
            actor=f"user:{user.public_id}" if user is not None else "anonymous",
            action=action,
            object_type="user",
            object_id=str(user.public_id) if user is not None else "unknown",
            payload=body,
        )


def _account(username: str | None) -> User | None:
    if not username:
        return None
    return User.objects.filter(username=username).first()


def signin_succeeded(*, user: User, request: HttpRequest, factor: str) -> None:
    """``factor``: ``totp``, ``recovery`` or ``none`` (no second factor enrolled)."""
    _record(user=user, action="staff.signed_in", request=request, factor=factor)


def signin_failed(*, username: str | None, request: HttpRequest | None, locked: bool) -> None:
    """A wrong password or second factor, or a sign-in refused by the lockout."""
    _record(user=_account(username), action="staff.sign_in_failed", request=request, locked=locked)


def signin_locked_out(*, username: str | None, request: HttpRequest | None) -> None:
    _record(user=_account(username), action="staff.locked_out", request=request)


def signed_out_idle(user: User) -> None:
    _record(user=user, action="staff.signed_out_idle", request=None)


def signin_token_spend(nonce: str) -> bool:
    """Use a sign-in form's token once: False when it was already used."""
    now = clock.now()
    with transaction.atomic():
        SpentSignInToken.objects.filter(spent_at__lt=now - TOKEN_LIFETIME).delete()
        _, created = SpentSignInToken.objects.get_or_create(nonce=nonce, defaults={"spent_at": now})
    return created


def second_factor_required(user: User) -> bool:
    """Privacy officers must sign in with a second factor; a demo run (OMNI_DEMO, `make run`)
    lets its demo officers through without one. Other staff may enrol one."""
    return user.team == Team.PRIVACY_OFFICE and not settings.OMNI_DEMO


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps type it (base32)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed TOTP device (replacing an earlier unconfirmed one)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_enrolment_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm ``device`` with a code it shows; replaces any earlier second factor and returns
    new recovery codes (shown once: only django-otp's copy is kept)."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(code.strip()):
        raise InvalidInputError([Problem(NOT_CODE_SHOWN, field="code")])
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_issue(user)
        audit_record(
            actor=actor_for(user),
            action="staff.second_factor_enrolled",
            object_type="user",
            object_id=str(user.public_id),
            payload={"device": "totp", "recovery_codes": len(codes)},
        )
    return codes


def _recovery_codes_issue(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_renew(*, user: User) -> list[str]:
    if not has_second_factor(user):
        raise InvalidInputError([Problem(NO_SECOND_FACTOR, field="device")])
    with transaction.atomic():
        codes = _recovery_codes_issue(user)
        audit_record(
            actor=actor_for(user),
            action="staff.recovery_codes_renewed",
            object_type="user",
            object_id=str(user.public_id),
            payload={"recovery_codes": len(codes)},
        )
    return codes


def second_factor_reset(*, actor: User, user: User) -> None:
    """Another privacy officer removes ``user``'s second factor (a lost phone): they enrol
    again at their next sign-in (a privacy officer must)."""
    if not may_reset_second_factor(actor, user):
        raise PermissionError("only another privacy officer may reset a second factor")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor_for(actor),
            action="staff.second_factor_reset",
            object_type="user",
            object_id=str(user.public_id),
            payload={},
        )


def password_change(*, user: User, new_password: str) -> None:
    """Set ``user``'s own new password, through the password validators (code ``weak``)."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidInputError(
            [Problem(WEAK_PASSWORD, {"reasons": " ".join(exc.messages)}, field="password")]
        ) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(
            actor=actor_for(user),
            action="staff.password_changed",
            object_type="user",
            object_id=str(user.public_id),
            payload={},
        )
