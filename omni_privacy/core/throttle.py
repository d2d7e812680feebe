"""Rate limits on public forms (spam, guessing): at most N attempts per window, per address and
per IP address. Counted in the database, so every web worker on every machine shares them.

What is limited is personal data (an email, an IP address): only a keyed digest of it, with the
purpose, is stored, and hits older than the longest window are deleted as new ones come.

Values are normalised before they are digested, so that variants of one visitor share a
bucket (issue 15 §7): an email address is lower-cased and loses its ``+suffix``
(``Ana+1@Example.com`` counts as ``ana@example.com``); an IPv6 address counts as its /64 (one
household or server picks any address in it). The visitor's address itself comes from
``REMOTE_ADDR`` as core/security.py's TrustedProxyMiddleware resolved it.

``lockout_wait`` / ``lockout_fail`` add a growing lockout for guesses (verification codes):
the first ``free`` failures cost nothing, then each further one doubles the wait.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from omni_privacy.core import clock
from omni_privacy.core.models import ThrottleHit

KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    purpose: str
    attempts: int
    window: dt.timedelta


def normalised(value: str) -> str:
    """The form of ``value`` a limit counts: one bucket per mailbox, per IPv6 /64."""
    value = value.strip().lower()
    local, at, domain = value.rpartition("@")
    if at and local:
        return f"{local.split('+', 1)[0] or local}@{domain}"
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return value
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else address)


def _digest(purpose: str, value: str) -> str:
    key = str(settings.OMNI_DIGEST_KEY).encode("utf-8")
    message = f"throttle\x00{purpose}\x00{normalised(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _bucket(limit: Limit, value: str) -> str:
    return _digest(limit.purpose, value)


def allow(checks: list[tuple[Limit, str]]) -> bool:
    """Count one attempt against each (limit, value) and say whether all are within their limit.
    An attempt over a limit is counted too (a flood stays blocked)."""
    now = clock.now()
    allowed = True
    with transaction.atomic():
        ThrottleHit.objects.filter(at__lt=now - KEEP).delete()
        for limit, value in checks:
            bucket = _bucket(limit, value)
            recent = ThrottleHit.objects.filter(bucket=bucket, at__gt=now - limit.window).count()
            ThrottleHit.objects.create(bucket=bucket, at=now)
            allowed = allowed and recent < limit.attempts
    return allowed


@dataclass(frozen=True)
class Lockout:
    """A growing lockout: ``free`` failures, then a wait of ``first``, doubled by each further
    failure, at most ``longest``. Failures are remembered for a day (KEEP)."""

    purpose: str
    free: int = 5
    first: dt.timedelta = dt.timedelta(minutes=1)
    longest: dt.timedelta = KEEP


def lockout_wait(lockout: Lockout, values: list[str]) -> dt.timedelta:
    """How long each of ``values`` (a request, an address) must still wait: the longest."""
    now = clock.now()
    wait = dt.timedelta(0)
    for value in values:
        hits = ThrottleHit.objects.filter(
            bucket=_digest(f"lockout:{lockout.purpose}", value), at__gt=now - KEEP
        )
        failures = hits.count()
        if failures < lockout.free:
            continue
        last = hits.order_by("-at").values_list("at", flat=True).first()
        length = min(lockout.first * 2 ** (failures - lockout.free), lockout.longest)
        if last is not None:
            wait = max(wait, last + length - now)
    return wait


def lockout_fail(lockout: Lockout, values: list[str]) -> None:
    """Count one failure against each of ``values``."""
    now = clock.now()
    ThrottleHit.objects.bulk_create(
        ThrottleHit(bucket=_digest(f"lockout:{lockout.purpose}", value), at=now) for value in values
    )


def lockout_clear(lockout: Lockout, values: list[str]) -> None:
    """A success forgets the failures of ``values``."""
    buckets = [_digest(f"lockout:{lockout.purpose}", value) for value in values]
    ThrottleHit.objects.filter(bucket__in=buckets).delete()
