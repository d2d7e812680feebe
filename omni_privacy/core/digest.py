"""Keyed digests of identifiers: find a person again, or remember an erasure, without the value."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from django.conf import settings


def email_digest(normalized_email: str) -> str:
    """HMAC-SHA256 of the normalised, lower-cased address under OMNI_DIGEST_KEY."""
    key = str(settings.OMNI_DIGEST_KEY).encode("utf-8")
    return hmac.new(key, normalized_email.lower().encode("utf-8"), hashlib.sha256).hexdigest()


def profile_key(instance_id: int, user_id: str) -> str:
    """HMAC-SHA256 of a user's id in one instance: the sync's join key, without the id."""
    key = str(settings.OMNI_DIGEST_KEY).encode("utf-8")
    message = f"profile\x00{instance_id}\x00{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def profile_keyer(instance_id: int) -> Callable[[str], str]:
    """``profile_key`` for one instance, keyed once: the sync computes a million of them.

    RFC 2104 spelled out on two SHA-256 states prepared once (the key padded and masked, and
    the instance's prefix already absorbed), so each digest costs two state copies; the same
    digests as ``hmac.new`` (tested), half again as fast as copying an ``hmac`` object."""
    key = str(settings.OMNI_DIGEST_KEY).encode("utf-8")
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
    inner.update(f"profile\x00{instance_id}\x00".encode())
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))
    inner_copy, outer_copy = inner.copy, outer.copy

    def keyer(user_id: str) -> str:
        state = inner_copy()
        state.update(user_id.encode())
        result = outer_copy()
        result.update(state.digest())
        return result.hexdigest()

    return keyer
