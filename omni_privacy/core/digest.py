"""Keyed digests of identifiers: find a person again, or remember an erasure, without the value."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def email_digest(normalized_email: str) -> str:
    """HMAC-SHA256 of the normalised, lower-cased address under OMNI_DIGEST_KEY."""
    key = str(settings.OMNI_DIGEST_KEY).encode("utf-8")
    return hmac.new(key, normalized_email.lower().encode("utf-8"), hashlib.sha256).hexdigest()


def profile_key(instance_id: int, user_id: str) -> str:
    """HMAC-SHA256 of a user's id in one instance: the sync's join key, without the id. The
    reference definition (docs/collection.md): the sync computes the same digests faster from
    ``profile_keying`` with ``core.keyed.hmac_sha256_keyer``."""
    key = str(settings.OMNI_DIGEST_KEY).encode("utf-8")
    message = f"profile\x00{instance_id}\x00{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def profile_keying(instance_id: int) -> tuple[bytes, bytes]:
    """The key and message prefix of ``profile_key`` (for processes without settings)."""
    return str(settings.OMNI_DIGEST_KEY).encode("utf-8"), f"profile\x00{instance_id}\x00".encode()
