"""HMAC-SHA256 keyed once for many messages sharing a prefix (pure: no Django, so that the
sync's parsing processes can import it without settings; core/digest.py supplies the key)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable


def hmac_sha256_keyer(key: bytes, prefix: bytes) -> Callable[[str], str]:
    """``hmac.new(key, prefix + text.encode(), sha256).hexdigest()`` for any ``text``, keyed
    once: RFC 2104 spelled out on two SHA-256 states prepared once (the key padded and masked,
    and the prefix already absorbed), so each digest costs two state copies; the same digests
    as ``hmac.new`` (tested), half again as fast as copying an ``hmac`` object."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
    inner.update(prefix)
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))
    inner_copy, outer_copy = inner.copy, outer.copy

    def keyer(text: str) -> str:
        state = inner_copy()
        state.update(text.encode())
        result = outer_copy()
        result.update(state.digest())
        return result.hexdigest()

    return keyer
