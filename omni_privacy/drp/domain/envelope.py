"""The Data Rights Protocol 1.0's signed messages, checked in the order the spec gives (§3.07).

Pure. An authorised agent signs a JSON document with Ed25519 in libsodium's *combined mode*
(the 64-byte signature prepended to the message), base64-encodes the buffer and sends it as
``text/plain``. A Privacy Infrastructure Provider must validate, in this order:

1. the body decodes from base64 into a binary buffer;
2. the signature at its start validates with the key of the agent the bearer token (or, for
   the pair-wise key set-up, the URL) designates;
3. the ``agent-id`` claim is that agent;
4. the ``business-id`` claim is us;
5. now is after ``issued-at``;
6. now is before ``expires-at``.

Each failure is a code (``drp.*``) the HTTP layer answers with; nothing else is told to the
caller (the spec's pairing answers a bare 403).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from omni_privacy.core.errors import define, gettext_noop

MAX_BODY = 64 * 1024
# How far ahead of ours an agent's clock may run before issued-at is refused: none, by the
# spec's order ("the current time is after issued-at"), beyond a small allowance for skew.
CLOCK_SKEW = dt.timedelta(seconds=30)
# The spec recommends windows of at most 10 minutes; a longer one is refused outright, so that
# a captured body cannot be replayed for days.
MAX_WINDOW = dt.timedelta(minutes=15)

NOT_BASE64 = define("drp.not_base64", gettext_noop("the body is not base64"))
BAD_SIGNATURE = define(
    "drp.bad_signature", gettext_noop("the signature does not match the agent's key")
)
NOT_JSON = define("drp.not_json", gettext_noop("the signed message is not a JSON object"))
DUPLICATE_KEY = define(
    "drp.duplicate_key", gettext_noop("the signed message repeats the key %(key)s")
)
WRONG_AGENT = define("drp.wrong_agent", gettext_noop("agent-id is not the agent of this token"))
WRONG_BUSINESS = define("drp.wrong_business", gettext_noop("business-id is not this business"))
BAD_TIME = define("drp.bad_time", gettext_noop("%(claim)s is missing or not an ISO 8601 time"))
NOT_YET = define("drp.not_yet", gettext_noop("issued-at is in the future"))
EXPIRED = define("drp.expired", gettext_noop("the message expired (expires-at has passed)"))
WINDOW_TOO_LONG = define(
    "drp.window_too_long", gettext_noop("expires-at is more than 15 minutes after issued-at")
)
TOO_LARGE = define("drp.too_large", gettext_noop("the body is larger than 64 KiB"))


class EnvelopeError(Exception):
    """A signed message refused; ``code`` says at which step."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


@dataclass(frozen=True)
class Verified:
    claims: Mapping[str, Any]
    signed: bytes
    """The decoded buffer (signature + message): its digest identifies the message (replays)."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise EnvelopeError(DUPLICATE_KEY, key=key)
        seen[key] = value
    return seen


def _time(claims: Mapping[str, Any], claim: str) -> dt.datetime:
    raw = claims.get(claim)
    if not isinstance(raw, str):
        raise EnvelopeError(BAD_TIME, claim=claim)
    try:
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise EnvelopeError(BAD_TIME, claim=claim) from None
    if moment.tzinfo is None:
        raise EnvelopeError(BAD_TIME, claim=claim)
    return moment


def open_envelope(
    body: bytes, *, verify_key: str, agent_id: str, business_id: str, now: dt.datetime
) -> Verified:
    """The claims of a signed body, validated in the spec's order, or :class:`EnvelopeError`.

    ``verify_key`` is the agent's Ed25519 public key, base64 (DRP 0.9.1 and later).
    """
    if len(body) > MAX_BODY:
        raise EnvelopeError(TOO_LARGE)
    try:  # 1. base64 into a binary buffer
        signed = base64.b64decode(body.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise EnvelopeError(NOT_BASE64) from None
    try:  # 2. the signature, with the agent's key
        message = VerifyKey(base64.b64decode(verify_key)).verify(signed)
    except (BadSignatureError, ValueError, TypeError):
        raise EnvelopeError(BAD_SIGNATURE) from None
    try:
        claims = json.loads(message.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise EnvelopeError(NOT_JSON) from None
    if not isinstance(claims, dict):
        raise EnvelopeError(NOT_JSON)
    if claims.get("agent-id") != agent_id:  # 3.
        raise EnvelopeError(WRONG_AGENT)
    if claims.get("business-id") != business_id:  # 4.
        raise EnvelopeError(WRONG_BUSINESS)
    issued, expires = _time(claims, "issued-at"), _time(claims, "expires-at")
    if now + CLOCK_SKEW < issued:  # 5.
        raise EnvelopeError(NOT_YET)
    if now >= expires:  # 6.
        raise EnvelopeError(EXPIRED)
    if expires - issued > MAX_WINDOW:
        raise EnvelopeError(WINDOW_TOO_LONG)
    return Verified(claims=claims, signed=signed)


def is_verify_key(text: str) -> bool:
    """A base64 Ed25519 public key (32 bytes)."""
    try:
        VerifyKey(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError, TypeError):
        return False
    return True
