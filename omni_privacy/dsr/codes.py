"""Issue and check one-time codes (notice §9.2). Only a keyed hash of the code is stored: the
code is bound to its request, so a hash cannot be replayed on another request."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings

from omni_privacy.dsr.domain.verification import CODE_DIGITS
from omni_privacy.dsr.models import RightsRequest, VerificationCode


def code_hash(request: RightsRequest, code: str) -> str:
    key = str(settings.OMNI_DIGEST_KEY).encode("utf-8")
    message = f"dsr-code\x00{request.public_id}\x00{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def code_issue(request: RightsRequest, *, now: dt.datetime) -> str:
    """A fresh code for ``request`` (earlier unused codes stop working). Returns the code in
    clear, for the letter only. Call inside the service's transaction."""
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    VerificationCode.objects.filter(request=request, used_at__isnull=True).update(used_at=now)
    VerificationCode.objects.create(
        request=request, code_hash=code_hash(request, code), issued_at=now
    )
    return code
