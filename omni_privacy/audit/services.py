"""audit_record(): the only writer of the audit log.

Call it inside the service's own ``transaction.atomic()`` so that the change and its audit
event commit or vanish together (zulip's user_settings pattern).
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from omni_privacy.audit.chain import GENESIS, ChainBreak, ChainLink, first_break, link_hash
from omni_privacy.audit.models import AuditChainHead, AuditEvent
from omni_privacy.core import clock

# Anything shaped like an email or a phone number has no place in an audit payload.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A run of digits and phone punctuation standing on its own (not inside an identifier such as
# a UUID or a file name, whose neighbours are letters, digits or hyphens).
_PHONE = re.compile(r"(?<![\w-])\+?\(?\d[\d\s().-]{8,}\d(?![\w-])")
_ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)


def _looks_personal(value: str) -> bool:
    # A public id is opaque, even the rare UUID whose hex digits are all decimal (about one in
    # three million), which the phone pattern below would otherwise take for a number.
    if _UUID.fullmatch(value):
        return False
    if _EMAIL.search(value):
        return True
    # Dates and timestamps are not phone numbers, alone or next to each other ("a b").
    text = _ISO_DATE.sub("|", value)
    # A number inside a sentence leaks as much as one on its own ("called 514 555 0100").
    return any(sum(ch.isdigit() for ch in match.group()) >= 10 for match in _PHONE.finditer(text))


class AuditPayloadError(ValueError):
    """A payload carried something that looks like personal data."""


def actor_for(user: Any | None) -> str:
    """The opaque actor label for a staff user (or ``system`` when no one is signed in)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    return f"user:{user.public_id}"


def _check_payload(value: Any, path: str = "payload") -> None:
    found = _personal_at(value)
    if found is None:
        return
    where, in_key = found
    where_text = path + "".join(reversed(where))
    if in_key:
        # A key can leak as much as a value (``{address: count}``); name the parent only.
        raise AuditPayloadError(
            f"{where_text} has a key that looks like personal data; audit payloads hold none"
        )
    # The message names the key, never the value: the value is what must not leak.
    raise AuditPayloadError(f"{where_text} looks like personal data; audit payloads hold none")


def _personal_at(value: Any) -> tuple[list[str], bool] | None:
    """Where in ``value`` something looks personal (the path's steps, innermost first, and
    whether it is a key there), or None. Paths are only spelled out for a refusal: a sync's
    payload lists thousands of public ids."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and _looks_personal(key):
                return [], True
            found = _personal_at(item)
            if found is not None:
                found[0].append(f".{key}")
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if isinstance(item, str):  # the common case, without a call per item
                if _looks_personal(item):
                    return [f"[{index}]"], False
                continue
            found = _personal_at(item)
            if found is not None:
                found[0].append(f"[{index}]")
                return found
    elif isinstance(value, str) and _looks_personal(value):
        return [], False
    return None


def _key() -> bytes:
    return str(settings.OMNI_AUDIT_KEY).encode("utf-8")


def _utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def audit_record(
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    payload: Mapping[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction.atomic()")
    body = dict(payload or {})
    _check_payload(body)
    moment = (occurred_at or clock.now()).astimezone(dt.UTC)
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    sequence = head.sequence + 1
    digest = link_hash(
        key=_key(),
        sequence=sequence,
        occurred_at=_utc_iso(moment),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        payload=body,
        previous_hash=head.hash,
    )
    event = AuditEvent.objects.create(
        sequence=sequence,
        occurred_at=moment,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        payload=body,
        previous_hash=head.hash,
        hash=digest,
    )
    AuditChainHead.objects.filter(id=1).update(sequence=sequence, hash=digest)
    return event


def audit_record_many(
    *,
    actor: str,
    action: str,
    object_type: str,
    object_ids: Sequence[str],
    payload: Mapping[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> int:
    """Append one event per object id, the same action and payload for each, in one INSERT.

    The chain is extended exactly as ``audit_record`` would one call at a time (each event's
    hash covers its predecessor's): the head is locked once, the links are computed in order,
    then written together. Must run inside the caller's transaction. Returns the count."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the service's transaction.atomic()")
    if not object_ids:
        return 0
    body = dict(payload or {})
    _check_payload(body)
    moment = (occurred_at or clock.now()).astimezone(dt.UTC)
    when = _utc_iso(moment)
    key = _key()
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    sequence, previous = head.sequence, head.hash
    events = []
    for object_id in object_ids:
        sequence += 1
        digest = link_hash(
            key=key,
            sequence=sequence,
            occurred_at=when,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            payload=body,
            previous_hash=previous,
        )
        events.append(
            AuditEvent(
                sequence=sequence,
                occurred_at=moment,
                actor=actor,
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                payload=body,
                previous_hash=previous,
                hash=digest,
            )
        )
        previous = digest
    AuditEvent.objects.bulk_create(events, batch_size=500)
    AuditChainHead.objects.filter(id=1).update(sequence=sequence, hash=previous)
    return len(events)


def _links() -> Iterator[ChainLink]:
    rows = AuditEvent.objects.order_by("sequence").values_list(
        "sequence",
        "occurred_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "payload",
        "previous_hash",
        "hash",
    )
    for row in rows.iterator(chunk_size=5000):
        yield ChainLink(row[0], _utc_iso(row[1]), *row[2:])


def audit_verify() -> tuple[int, ChainBreak | None]:
    """Walk the whole chain; return (events checked, first break or None).

    Also checks the head row, so that deleting the newest events behind the triggers' back
    (which leaves a valid but shorter chain) is noticed.
    """
    with transaction.atomic():
        checked, broken = first_break(_links(), key=_key())
        if broken is not None:
            return checked, broken
        # A missing head row is an empty chain's head: deleting it (with or without the newest
        # events) must not silence the check.
        head = AuditChainHead.objects.filter(id=1).first()
        head_sequence, head_hash = (head.sequence, head.hash) if head else (0, GENESIS)
        if head_sequence != checked:
            return checked, ChainBreak(
                checked + 1, f"the chain head says {head_sequence} events but {checked} remain"
            )
        newest = (
            AuditEvent.objects.order_by("-sequence").values_list("hash", flat=True).first()
            or GENESIS
        )
        if not hmac.compare_digest(head_hash, newest):
            return checked, ChainBreak(
                max(checked, 1), "the chain head's hash does not match the newest event"
            )
    return checked, None


# Who looked at a person (issue 15 point 3; Quebec s.27 lets the person ask who had access).
READ_ACTION = "person.read"
READ_VIAS = ("person_page", "consent_lookup", "search", "rights_request", "export", "api")


def person_read_record(*, user: Any, person_public_id: Any, via: str, reason: str = "") -> None:
    """One read of a person's data by staff: who (the actor label), what (the person's id,
    never a value), when, through which page, and why when the flow knows it (``reason``: a
    rights request's id)."""
    if via not in READ_VIAS:
        raise ValueError(f"unknown read path {via!r}")
    payload: dict[str, str] = {"via": via}
    if reason:
        payload["reason"] = reason
    with transaction.atomic():
        audit_record(
            actor=actor_for(user),
            action=READ_ACTION,
            object_type="person",
            object_id=str(person_public_id),
            payload=payload,
        )


def person_reads_record(
    *, user: Any, person_public_ids: Iterable[Any], via: str, reason: str = ""
) -> int:
    """Reads of several people's data at once (a search's result rows, an export of many):
    one event per person, written in one INSERT. A person shown twice (two holdings) is one
    read. Returns how many were recorded."""
    if via not in READ_VIAS:
        raise ValueError(f"unknown read path {via!r}")
    ids = list(dict.fromkeys(str(public_id) for public_id in person_public_ids if public_id))
    payload: dict[str, str] = {"via": via}
    if reason:
        payload["reason"] = reason
    with transaction.atomic():
        return audit_record_many(
            actor=actor_for(user),
            action=READ_ACTION,
            object_type="person",
            object_ids=ids,
            payload=payload,
        )


EXPORT_ACTION = "audit.exported"


def audit_export_record(*, actor: str, filters: Mapping[str, str]) -> AuditEvent:
    """An export of the log is itself in the log: who took a copy, with which filters (codes,
    ids and days only: the page's filters cannot hold a value)."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action=EXPORT_ACTION,
            object_type="audit_log",
            object_id="export",
            payload={"filters": dict(sorted(filters.items()))},
        )
