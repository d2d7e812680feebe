import logging

import pytest
from django.db import connection, transaction

from omni_privacy.audit import triggers
from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.services import audit_record
from omni_privacy.audit.tasks import task_audit_verify


def _three_events() -> None:
    for number in range(3):
        with transaction.atomic():
            audit_record(
                actor="cli", action="test.event", object_type="test", object_id=str(number)
            )


def _task_log(caplog) -> list[tuple[str, str]]:
    return [
        (r.levelname, r.getMessage())
        for r in caplog.records
        if r.name == "omni_privacy.audit.tasks"
    ]


@pytest.mark.django_db
def test_the_audit_task_logs_info_when_the_chain_holds(caplog):
    _three_events()
    with caplog.at_level(logging.INFO, logger="omni_privacy.audit.tasks"):
        assert task_audit_verify.call() == {"checked": 3, "broken_at": None}
    assert _task_log(caplog) == [("INFO", "audit chain verified: 3 events")]


@pytest.mark.django_db
def test_the_audit_task_logs_an_error_naming_the_tampered_event(caplog):
    _three_events()
    triggers.remove(connection)
    AuditEvent.objects.filter(sequence=2).update(payload={"edited": True})
    triggers.install(connection)

    with caplog.at_level(logging.INFO, logger="omni_privacy.audit.tasks"):
        assert task_audit_verify.call() == {"checked": 1, "broken_at": 2}
    assert _task_log(caplog) == [("ERROR", "audit chain broken at event #2")]
