"""The audit log on a real database: append-only, chained, and free of personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omni_privacy.audit import triggers
from omni_privacy.audit.chain import GENESIS, ChainBreak
from omni_privacy.audit.models import AuditChainHead, AuditEvent
from omni_privacy.audit.services import (
    AuditPayloadError,
    actor_for,
    audit_record,
    audit_verify,
)

MOMENT = dt.datetime(2026, 11, 25, 14, 30, tzinfo=dt.UTC)


def record(count: int) -> list[AuditEvent]:
    events = []
    with transaction.atomic():
        for index in range(count):
            events.append(
                audit_record(
                    actor="cli",
                    action="holding.recorded",
                    object_type="holding",
                    object_id=f"h-{index}",
                    payload={"source": "sales", "index": index, "on": "2026-11-25"},
                    occurred_at=MOMENT + dt.timedelta(seconds=index),
                )
            )
    return events


def test_record_outside_a_transaction_raises() -> None:
    # No django_db mark: no test transaction wraps this call, as in a service that forgot it.
    with pytest.raises(RuntimeError) as caught:
        audit_record(actor="cli", action="x.done", object_type="x", object_id="1")
    assert str(caught.value) == ("audit_record must run inside the service's transaction.atomic()")


@pytest.mark.django_db
def test_events_are_chained_and_verify() -> None:
    events = record(6)
    assert [event.sequence for event in events] == [1, 2, 3, 4, 5, 6]
    assert events[0].previous_hash == GENESIS
    assert [event.previous_hash for event in events[1:]] == [event.hash for event in events[:-1]]
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (6, events[-1].hash)
    assert audit_verify() == (6, None)


@pytest.mark.django_db
def test_stored_event_fields() -> None:
    record(1)
    event = AuditEvent.objects.get()
    assert (
        event.actor,
        event.action,
        event.object_type,
        event.object_id,
        event.payload,
        event.occurred_at,
    ) == (
        "cli",
        "holding.recorded",
        "holding",
        "h-0",
        {"source": "sales", "index": 0, "on": "2026-11-25"},
        MOMENT,
    )


@pytest.mark.django_db
def test_empty_log_verifies() -> None:
    assert audit_verify() == (0, None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"email": "camille.tremblay@example.com"}, "payload.email"),
        ({"note": "write to camille@example.org"}, "payload.note"),
        ({"phone": "+1 514 555 0100"}, "payload.phone"),
        ({"phone": "514-555-0100"}, "payload.phone"),
        ({"phone": "(514) 555-0100"}, "payload.phone"),
        ({"people": [{"reach": "5145550100"}]}, "payload.people[0].reach"),
        ({"note": "called back on +1 438 555 0199 today"}, "payload.note"),
        ({"note": "2026-11-25: (514) 555-0100"}, "payload.note"),
    ],
)
def test_personal_payload_is_refused(payload: dict[str, object], path: str) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(AuditPayloadError) as caught, transaction.atomic():
        audit_record(actor="cli", action="x.done", object_type="x", object_id="1", payload=payload)
    assert str(caught.value) == f"{path} looks like personal data; audit payloads hold none"
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_dates_counts_and_ids_are_accepted() -> None:
    payload = {
        "on": "2026-11-25",
        "at": "2026-11-25T14:30:00+00:00",
        "at_z": "2026-11-25T14:30:00.123456Z",
        "periods": [["2020-01-01", None], ["2021-01-01", "2025-12-31"]],
        "holdings_rescheduled": 12345678901,
        "person": "3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f4a6b",
        "line": "line 12",
    }
    with transaction.atomic():
        event = audit_record(
            actor="cli", action="x.done", object_type="x", object_id="1", payload=payload
        )
    assert AuditEvent.objects.get(pk=event.pk).payload == payload


SAFE_TEXT = st.one_of(
    st.dates().map(str),
    st.datetimes(timezones=st.just(dt.UTC)).map(lambda moment: moment.isoformat()),
    st.datetimes().map(lambda moment: moment.isoformat(sep=" ", timespec="minutes")),
    st.uuids().map(str).filter(lambda text: any(ch.isalpha() for ch in text)),
    st.tuples(st.dates(), st.dates()).map(lambda pair: f"{pair[0]} {pair[1]}"),
    st.integers(min_value=0, max_value=999_999_999).map(lambda number: f"line {number}"),
)


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.lists(SAFE_TEXT, min_size=1, max_size=4))
def test_dates_and_public_ids_are_never_mistaken_for_personal_data(texts: list[str]) -> None:
    with transaction.atomic():
        event = audit_record(
            actor="cli", action="x.done", object_type="x", object_id="1", payload={"v": texts}
        )
    assert event.payload == {"v": texts}


def test_actor_for_anonymous_and_missing_users() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert actor_for(None) == "system"
    assert actor_for(AnonymousUser()) == "system"


# --- tampering ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_payload_edited_behind_the_triggers_back() -> None:
    record(5)
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = %s WHERE sequence = %s", ["system", 3])
    AuditEvent.objects.filter(sequence=4).update(payload={"source": "sales", "index": 99})
    triggers.install(connection)
    assert audit_verify() == (2, ChainBreak(3, "content does not match its hash"))


@pytest.mark.django_db
def test_payload_only_edit_is_found() -> None:
    record(5)
    triggers.remove(connection)
    AuditEvent.objects.filter(sequence=4).update(payload={"source": "sales", "index": 99})
    triggers.install(connection)
    assert audit_verify() == (3, ChainBreak(4, "content does not match its hash"))


@pytest.mark.django_db
def test_newest_event_deleted_behind_the_triggers_back() -> None:
    record(4)
    triggers.remove(connection)
    AuditEvent.objects.filter(sequence=4).delete()
    triggers.install(connection)
    assert audit_verify() == (
        3,
        ChainBreak(4, "the chain head says 4 events but 3 remain"),
    )


@pytest.mark.django_db
def test_head_row_deleted_with_the_newest_event() -> None:
    record(3)
    triggers.remove(connection)
    AuditEvent.objects.filter(sequence=3).delete()
    triggers.install(connection)
    AuditChainHead.objects.all().delete()
    assert audit_verify() == (2, ChainBreak(3, "the chain head says 0 events but 2 remain"))


@pytest.mark.django_db
def test_newest_event_replaced_behind_the_triggers_back() -> None:
    record(3)
    forged = {"source": "sales", "index": 2, "on": "2026-11-25"}
    triggers.remove(connection)
    AuditEvent.objects.filter(sequence=3).update(payload=forged, hash="f" * 64)
    triggers.install(connection)
    assert audit_verify() == (2, ChainBreak(3, "content does not match its hash"))


@pytest.mark.django_db
def test_head_hash_edited() -> None:
    record(3)
    AuditChainHead.objects.update(hash="e" * 64)
    assert audit_verify() == (
        3,
        ChainBreak(3, "the chain head's hash does not match the newest event"),
    )


@pytest.mark.django_db
def test_middle_event_deleted_behind_the_triggers_back() -> None:
    record(4)
    triggers.remove(connection)
    AuditEvent.objects.filter(sequence=2).delete()
    triggers.install(connection)
    assert audit_verify() == (1, ChainBreak(2, "event #2 is missing (found #3)"))


# --- the database refuses changes --------------------------------------------------------------


@pytest.mark.django_db
def test_update_is_refused_by_the_database() -> None:
    record(2)
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        AuditEvent.objects.filter(sequence=1).update(actor="system")
    assert "append-only" in str(caught.value)
    assert AuditEvent.objects.get(sequence=1).actor == "cli"


@pytest.mark.django_db
def test_save_of_a_loaded_event_is_refused() -> None:
    event = record(1)[0]
    event.payload = {"source": "sales", "index": 7}
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    assert audit_verify() == (1, None)


@pytest.mark.django_db
def test_delete_is_refused_by_the_database() -> None:
    record(2)
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        AuditEvent.objects.filter(sequence=2).delete()
    assert "append-only" in str(caught.value)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 2
    assert audit_verify() == (2, None)


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_truncate_is_refused_on_postgresql() -> None:
    record(2)
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")
    assert "append-only" in str(caught.value)
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_personal_key_is_refused_without_naming_it() -> None:
    payload = {"by_person": {"camille@example.com": 2}}
    with pytest.raises(AuditPayloadError) as caught, transaction.atomic():
        audit_record(actor="cli", action="x.done", object_type="x", object_id="1", payload=payload)
    assert str(caught.value) == (
        "payload.by_person has a key that looks like personal data; audit payloads hold none"
    )
    assert AuditEvent.objects.count() == 0
