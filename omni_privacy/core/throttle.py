"""Rate limits on public forms (spam, guessing): at most N attempts per window, per address and
per IP address. Counted in the database, so every web worker on every machine shares them.

What is limited is personal data (an email, an IP address): only a keyed digest of it, with the
purpose, is stored, and hits older than the longest window are deleted as new ones come.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
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


def _bucket(limit: Limit, value: str) -> str:
    key = str(settings.OMNI_DIGEST_KEY).encode("utf-8")
    message = f"throttle\x00{limit.purpose}\x00{value.strip().lower()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


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
