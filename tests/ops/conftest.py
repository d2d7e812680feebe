"""Helpers for the operator commands: run one in English, capture what it prints."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.factories import StaffFactory


@dataclass(frozen=True)
class Output:
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def run() -> Callable[..., Output]:
    """call_command with English output (msgids), returning stdout and stderr."""

    def _run(name: str, *args: str) -> Output:
        out, err = io.StringIO(), io.StringIO()
        with translation.override("en"):
            call_command(name, *args, stdout=out, stderr=err)
        return Output(out.getvalue(), err.getvalue())

    return _run


@pytest.fixture
def officer(db) -> Any:
    """The privacy officer the retention and dsr commands name with --by / --as."""
    return StaffFactory(username="pat.officer", officer=True)


@pytest.fixture
def as_of() -> dt.date:
    return dt.date(2026, 11, 25)


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    """Write objects (or raw strings, for broken lines) one per line; return the path."""

    def _write(lines: list[Any], name: str = "import.jsonl") -> Path:
        path = tmp_path / name
        text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
        path.write_text(text + "\n", encoding="utf-8")
        return path

    return _write


@dataclass(frozen=True)
class Registry:
    """Fictional holdings with known retention answers on 2026-11-25 (see ``registry``)."""

    overdue: Any  # sales, last contact 2021-08-01: due 2026-08-01, deadline 2026-09-30
    due: Any  # customer service, subscription ended 2026-10-31: due 2026-11-01, by 2026-12-30
    scheduled: Any  # sales, last contact 2021-12-01: due 2026-12-01
    later: Any  # sales, last contact 2024-03-01: due 2029-03-01
    kept: Any  # software profile, subscription ongoing: no due date


@pytest.fixture
def registry(as_of: dt.date) -> Registry:
    from omni_privacy.policy.domain.facts import Interval
    from omni_privacy.registry.domain.gate import HoldingCandidate
    from omni_privacy.registry.services import (
        OrganizationInput,
        holding_record,
        organization_upsert,
    )

    acme = organization_upsert(
        actor="test",
        data=OrganizationInput(
            code="acme",
            name="Acme Inc.",
            subscriptions=(Interval(dt.date(2022, 1, 1), dt.date(2026, 10, 31)),),
        ),
        as_of=as_of,
    )
    globex = organization_upsert(
        actor="test", data=OrganizationInput(code="globex", name="Globex"), as_of=as_of
    )
    initech = organization_upsert(
        actor="test",
        data=OrganizationInput(
            code="initech", name="Initech", subscriptions=(Interval(dt.date(2023, 1, 1)),)
        ),
        as_of=as_of,
    )

    def sales(email: str, day: dt.date) -> Any:
        return holding_record(
            actor="test",
            organization=globex,
            candidate=HoldingCandidate(
                source="sales",
                purpose="sales_information",
                legal_basis="consent",
                channel="email",
                collected_at=day,
                full_name="Prospect Example",
                email=email,
            ),
            today=as_of,
        )

    overdue = sales("old.prospect@example.com", dt.date(2021, 8, 1))
    scheduled = sales("lea@example.com", dt.date(2021, 12, 1))
    later = sales("recent.prospect@example.org", dt.date(2024, 3, 1))
    due = holding_record(
        actor="test",
        organization=acme,
        candidate=HoldingCandidate(
            source="customer_service",
            purpose="service_obligations",
            legal_basis="contract",
            channel="phone",
            collected_at=dt.date(2025, 6, 2),
            full_name="Léa Tremblay",
            email="lea@example.com",
            phone="+1 514 555 0100",
            preferred_language="fr",
        ),
        today=as_of,
    )
    kept = holding_record(
        actor="test",
        organization=initech,
        candidate=HoldingCandidate(
            source="software_profile",
            purpose="communication_obligations",
            legal_basis="contract",
            channel="monthly_sync",
            collected_at=dt.date(2024, 5, 1),
            full_name="Léa Tremblay",
            email="lea@example.com",
            preferred_language="fr",
            roles=("system_administrator",),
        ),
        today=as_of,
    )
    return Registry(overdue=overdue, due=due, scheduled=scheduled, later=later, kept=kept)
