"""Pure hash-chain arithmetic: how an event's hash is computed and how a chain is checked."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainLink:
    sequence: int
    occurred_at: str
    actor: str
    action: str
    object_type: str
    object_id: str
    payload: Any
    previous_hash: str
    hash: str


def link_hash(
    *,
    key: bytes,
    sequence: int,
    occurred_at: str,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    payload: Any,
    previous_hash: str,
) -> str:
    """HMAC-SHA256 over the canonical JSON of the event and its predecessor's hash.

    Keyed, so that someone with write access to the database but not the key cannot forge a
    consistent chain after editing it.
    """
    body = json.dumps(
        [sequence, occurred_at, actor, action, object_type, object_id, payload, previous_hash],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hmac.new(key, body.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str


def first_break(links: Iterable[ChainLink], *, key: bytes) -> tuple[int, ChainBreak | None]:
    """Walk ``links`` in sequence order; return how many were checked and the first break."""
    previous = GENESIS
    expected_sequence = 1
    checked = 0
    for link in links:
        if link.sequence != expected_sequence:
            return checked, ChainBreak(
                expected_sequence, f"event #{expected_sequence} is missing (found #{link.sequence})"
            )
        if link.previous_hash != previous:
            return checked, ChainBreak(
                link.sequence, "previous-hash does not match the event before"
            )
        recomputed = link_hash(
            key=key,
            sequence=link.sequence,
            occurred_at=link.occurred_at,
            actor=link.actor,
            action=link.action,
            object_type=link.object_type,
            object_id=link.object_id,
            payload=link.payload,
            previous_hash=link.previous_hash,
        )
        if not hmac.compare_digest(recomputed, link.hash):
            return checked, ChainBreak(link.sequence, "content does not match its hash")
        previous = link.hash
        expected_sequence += 1
        checked += 1
    return checked, None
