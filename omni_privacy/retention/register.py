"""The anonymisation register (notice §4-§5, QC s.23): one entry per run that anonymised,
written with the run's progress and audited at its end; and the latest entries, as codes
(the console names them)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.retention.domain import anonymisation
from omni_privacy.retention.models import AnonymisationEntry, RetentionRun

if TYPE_CHECKING:
    from omni_privacy.retention.runs import RunReport


def register_entry_store(run: RetentionRun, report: RunReport) -> AnonymisationEntry:
    entry, _created = AnonymisationEntry.objects.update_or_create(
        run=run,
        defaults={
            "anonymised_on": clock.today(),
            "holdings": sum(sum(per.values()) for per in report.anonymised.values()),
            "by_source": report.anonymised,
            "purposes": sorted({purpose for per in report.anonymised.values() for purpose in per}),
            "fields_removed": list(anonymisation.FIELDS_REMOVED),
            "fields_generalised": list(anonymisation.FIELDS_GENERALISED),
            "fields_kept": list(anonymisation.FIELDS_KEPT),
            "techniques": list(anonymisation.TECHNIQUES),
            "security_measures": list(anonymisation.SECURITY_MEASURES),
            "risk_analysis": anonymisation.RISK_ANALYSIS,
        },
    )
    return entry


def register_entry_event(run: RetentionRun, entry: AnonymisationEntry) -> None:
    audit_record(
        actor=run.actor,
        action="retention.anonymisation_registered",
        object_type="anonymisation_entry",
        object_id=str(entry.public_id),
        payload={"run": str(run.public_id), "holdings": entry.holdings, "purposes": entry.purposes},
    )


def register_entry_record(run: RetentionRun, report: RunReport) -> AnonymisationEntry:
    entry = register_entry_store(run, report)
    register_entry_event(run, entry)
    return entry


@dataclass(frozen=True)
class RegisterEntry:
    """One entry of the anonymisation register, as codes (the console names them)."""

    entry_id: uuid.UUID
    anonymised_on: dt.date
    holdings: int
    by_source: dict[str, dict[str, int]]
    purposes: tuple[str, ...]
    fields_removed: tuple[str, ...]
    fields_generalised: tuple[str, ...]
    fields_kept: tuple[str, ...]
    techniques: tuple[str, ...]
    security_measures: tuple[str, ...]
    risk_analysis: str
    run_id: uuid.UUID
    receipt_event: int | None


def anonymisation_register(*, limit: int = 50) -> list[RegisterEntry]:
    """The latest entries of the anonymisation register, newest first. One query."""
    rows = AnonymisationEntry.objects.order_by("-anonymised_on", "-id").values(
        "public_id",
        "anonymised_on",
        "holdings",
        "by_source",
        "purposes",
        "fields_removed",
        "fields_generalised",
        "fields_kept",
        "techniques",
        "security_measures",
        "risk_analysis",
        "run__public_id",
        "run__receipt_event",
    )[:limit]
    return [
        RegisterEntry(
            entry_id=row["public_id"],
            anonymised_on=row["anonymised_on"],
            holdings=row["holdings"],
            by_source=row["by_source"],
            purposes=tuple(row["purposes"]),
            fields_removed=tuple(row["fields_removed"]),
            fields_generalised=tuple(row["fields_generalised"]),
            fields_kept=tuple(row["fields_kept"]),
            techniques=tuple(row["techniques"]),
            security_measures=tuple(row["security_measures"]),
            risk_analysis=row["risk_analysis"],
            run_id=row["run__public_id"],
            receipt_event=row["run__receipt_event"],
        )
        for row in rows
    ]
