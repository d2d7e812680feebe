"""`omni-privacy audit verify`, and the database refusing changes to the audit log."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from omni_privacy.audit import triggers
from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.services import audit_record

# The table name is a module constant, not input: S608 does not apply to these statements.
UPDATE_PAYLOAD = f"UPDATE {triggers.TABLE} SET payload = %s WHERE sequence = %s"  # noqa: S608
DELETE_ONE = f"DELETE FROM {triggers.TABLE} WHERE sequence = %s"  # noqa: S608


@pytest.fixture
def events() -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit_record(
                actor="cli",
                action="organization.created",
                object_type="organization",
                object_id=code,
                payload={"holdings_rescheduled": 0},
            )
            for code in ("acme", "globex", "initech")
        ]


@pytest.mark.django_db
def test_intact_chain(run, events) -> None:
    assert run("audit", "verify").stdout == "audit log intact: 3 events\n"


@pytest.mark.django_db
def test_empty_chain_is_intact(run) -> None:
    assert run("audit", "verify").stdout == "audit log intact: 0 events\n"


@pytest.mark.django_db
def test_tampering_behind_the_triggers_back_is_found(run, events) -> None:
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(UPDATE_PAYLOAD, ['{"holdings_rescheduled": 5}', 2])
    triggers.install(connection)
    with pytest.raises(CommandError) as caught:
        run("audit", "verify")
    assert str(caught.value) == "audit log BROKEN at event #2: content does not match its hash"


@pytest.mark.django_db
def test_deleting_the_newest_event_behind_the_triggers_back_is_found(run, events) -> None:
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(DELETE_ONE, [3])
    triggers.install(connection)
    with pytest.raises(CommandError) as caught:
        run("audit", "verify")
    assert str(caught.value) == (
        "audit log BROKEN at event #3: the chain head says 3 events but 2 remain"
    )


@pytest.mark.django_db
def test_orm_update_is_refused_by_the_database(events) -> None:
    with pytest.raises(DatabaseError, match="audit log is append-only"), transaction.atomic():
        AuditEvent.objects.filter(sequence=1).update(actor="someone-else")
    assert AuditEvent.objects.get(sequence=1).actor == "cli"


@pytest.mark.django_db
def test_orm_delete_is_refused_by_the_database(events) -> None:
    with pytest.raises(DatabaseError, match="audit log is append-only"), transaction.atomic():
        AuditEvent.objects.filter(sequence=3).delete()
    assert AuditEvent.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("statement", "params"),
    [(UPDATE_PAYLOAD, ["{}", 2]), (DELETE_ONE, [2])],
    ids=["update", "delete"],
)
def test_raw_sql_update_and_delete_are_refused(events, statement: str, params: list) -> None:
    with (
        pytest.raises(DatabaseError, match="audit log is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [1, 2, 3]
    assert AuditEvent.objects.get(sequence=2).payload == {"holdings_rescheduled": 0}


@pytest.mark.django_db
def test_json_names_the_first_broken_event_and_exits_1(events) -> None:
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(UPDATE_PAYLOAD, ['{"holdings_rescheduled": 5}', 2])
    triggers.install(connection)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("audit", "verify", "--json", stdout=out)
    assert exited.value.code == 1
    assert json.loads(out.getvalue()) == {
        "intact": False,
        "events_checked": 1,
        "broken_at": 2,
        "message": "content does not match its hash",
    }
