"""Pure hash-chain arithmetic: the keyed hash and the walk that finds the first break."""

from __future__ import annotations

import dataclasses

from omni_privacy.audit.chain import GENESIS, ChainBreak, ChainLink, first_break, link_hash

KEY = b"test-audit-key"


def build(count: int, key: bytes = KEY) -> list[ChainLink]:
    links: list[ChainLink] = []
    previous = GENESIS
    for sequence in range(1, count + 1):
        fields = {
            "sequence": sequence,
            "occurred_at": f"2026-11-25T10:00:0{sequence % 10}+00:00",
            "actor": "system",
            "action": "holding.recorded",
            "object_type": "holding",
            "object_id": f"h{sequence}",
            "payload": {"source": "sales", "count": sequence},
            "previous_hash": previous,
        }
        digest = link_hash(key=key, **fields)
        links.append(ChainLink(hash=digest, **fields))
        previous = digest
    return links


def test_link_hash_is_deterministic_and_keyed() -> None:
    link = build(1)[0]
    assert len(link.hash) == 64
    assert build(1)[0].hash == link.hash
    assert build(1, key=b"another key")[0].hash != link.hash


def test_payload_key_order_does_not_matter() -> None:
    common = {
        "key": KEY,
        "sequence": 1,
        "occurred_at": "2026-11-25T10:00:00+00:00",
        "actor": "cli",
        "action": "a",
        "object_type": "t",
        "object_id": "1",
        "previous_hash": GENESIS,
    }
    assert link_hash(payload={"a": 1, "b": 2}, **common) == link_hash(
        payload={"b": 2, "a": 1},
        **common,
    )


def test_intact_chain() -> None:
    assert first_break(build(5), key=KEY) == (5, None)
    assert first_break([], key=KEY) == (0, None)


def test_edited_content() -> None:
    links = build(5)
    links[2] = dataclasses.replace(links[2], payload={"source": "sales", "count": 99})
    assert first_break(links, key=KEY) == (2, ChainBreak(3, "content does not match its hash"))


def test_missing_event() -> None:
    links = build(5)
    del links[1]
    assert first_break(links, key=KEY) == (1, ChainBreak(2, "event #2 is missing (found #3)"))


def test_relinked_event() -> None:
    links = build(3)
    links[2] = dataclasses.replace(links[2], previous_hash=GENESIS)
    assert first_break(links, key=KEY) == (
        2,
        ChainBreak(3, "previous-hash does not match the event before"),
    )


def test_wrong_key() -> None:
    assert first_break(build(2), key=b"wrong") == (
        0,
        ChainBreak(1, "content does not match its hash"),
    )
