"""Retention fixtures: staff users, the audit events of a run, registry dumps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from omni_privacy.accounts.models import User
from omni_privacy.audit.models import AuditEvent
from omni_privacy.retention import ledger
from tests.factories import StaffFactory


@pytest.fixture
def officer(db) -> User:
    return StaffFactory(username="pat.officer", officer=True)


@pytest.fixture
def ledger_file(settings, tmp_path) -> Any:
    """The erasure ledger, configured outside VAR_DIR (as production keeps it off the
    database's backups)."""
    settings.OMNI_ERASURE_LEDGER = str(tmp_path / "elsewhere" / "erasure-ledger.jsonl")
    return ledger.ledger_path()


@pytest.fixture
def events_after() -> Callable[[int], list[AuditEvent]]:
    def _events(sequence: int) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(sequence__gt=sequence).order_by("sequence"))

    return _events
