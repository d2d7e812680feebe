"""The daily run of the conformance report, its record, and the audit chain's head."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction

from omni_privacy.audit.models import AuditChainHead
from omni_privacy.audit.services import audit_record
from omni_privacy.conformance.models import ConformanceRun
from omni_privacy.conformance.report import FAIL, Report, conformance_report

logger = logging.getLogger(__name__)


def audit_head() -> tuple[int, str]:
    """The audit chain's head (sequence, hash) an auditor checks with `audit verify`."""
    head = AuditChainHead.objects.filter(id=1).first()
    return (head.sequence, head.hash) if head else (0, "0" * 64)


def conformance_run(*, as_of: dt.date, now: dt.datetime) -> tuple[ConformanceRun, Report]:
    """Run the report, record the run and its audit event. The first failure after a passing
    run (or the first run) is logged as an ERROR, by clause code only."""
    report = conformance_report(as_of=as_of)
    failures: list[dict[str, Any]] = [
        {"clause": c.clause, "code": c.code, "params": c.params}
        for c in report.checks
        if c.outcome == FAIL
    ]
    previous = ConformanceRun.objects.first()
    with transaction.atomic():
        _, head = audit_head()
        run = ConformanceRun.objects.create(
            as_of=as_of, ran_at=now, failed=bool(failures), failures=failures, audit_head=head
        )
        audit_record(
            actor="system",
            action="conformance.run",
            object_type="conformance_run",
            object_id=str(run.pk),
            payload={"as_of": as_of.isoformat(), "failures": [f["code"] for f in failures]},
            occurred_at=now,
        )
    if failures and (previous is None or not previous.failed):
        logger.error("conformance report failing: %s", ", ".join(f["clause"] for f in failures))
    return run, report


def conformance_alarm() -> ConformanceRun | None:
    """The latest daily run when it failed (the dashboard's alarm), else None."""
    run = ConformanceRun.objects.first()
    return run if run is not None and run.failed else None
