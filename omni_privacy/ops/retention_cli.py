"""What the `omni-privacy retention` sub-commands print (text for people, JSON for machines).

Listings stream: rows are read in chunks and written as they come, so a plan or a check over
a million holdings needs no more memory than one chunk.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from omni_privacy.ops.tables import Table, label, write_json_list
from omni_privacy.policy.domain.schema import Policy
from omni_privacy.policy.loader import active_policy
from omni_privacy.retention.due import (
    DueHolding,
    LateHolding,
    holdings_due,
    late_holdings,
    retention_overview,
)
from omni_privacy.retention.labels import ACTION_LABELS, CHECK_LABELS, STATUS_LABELS
from omni_privacy.retention.runs import RunReport
from omni_privacy.retention.services import retention_replay, retention_run

DEFAULT_WITHIN_DAYS = 90
ACTOR = "cli"


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _text(value: object) -> str:
    return "" if value is None else str(value)


# -- plan --------------------------------------------------------------------------------------


def parse_within(value: str) -> int | None:
    """``--within``: a number of days ≥ 0, or ``all`` (None: no horizon)."""
    if value == "all":
        return None
    try:
        days = int(value)
    except ValueError:
        days = -1
    if days < 0:
        raise CommandError(
            _("--within must be a number of days or 'all', not %(value)r") % {"value": value}
        )
    return days


def row_as_dict(row: DueHolding) -> dict[str, Any]:
    return {
        "holding_id": str(row.holding_id),
        "source": row.source,
        "organization": row.organization,
        "clause": row.clause,
        "rule": row.rule,
        "action": row.action,
        "due_at": row.due_at.isoformat(),
        "deadline_at": _day(row.deadline_at),
        "status": str(row.status),
    }


def _holding_columns(status_heading: str) -> list[tuple[str, int]]:
    return [
        (_("Due"), 10),
        (_("Deadline"), 10),
        (status_heading, 9),
        (_("Action"), 10),
        (_("Source"), 22),
        (_("Organisation"), 20),
        (_("Clause"), 14),
        (_("Rule"), 40),
        (_("Holding"), 36),
    ]


def _holding_cells(row: DueHolding, status: str, policy: Policy, lang: str) -> list[str]:
    """One table row in the reader's words: the action, the source's label and the rule's
    text from the policy file (the codes stay in --json)."""
    source = policy.sources.get(row.source)
    try:
        rule = policy.rule(row.rule).text.get(lang) if row.rule else ""
    except KeyError:
        rule = row.rule
    return [
        row.due_at.isoformat(),
        _text(_day(row.deadline_at)),
        status,
        label(ACTION_LABELS, row.action),
        source.label.get(lang) if source is not None else row.source,
        row.organization,
        row.clause,
        rule,
        str(row.holding_id),
    ]


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "fr"


def do_plan(command: BaseCommand, options: dict[str, Any]) -> int:
    as_of: dt.date = options["day"]
    rows = holdings_due(as_of=as_of, horizon_days=parse_within(options["within"]))
    if options["json"]:
        write_json_list(command, (row_as_dict(row) for row in rows))
        return 0
    table = Table(
        command.stdout,
        _holding_columns(_("Status")),
        status_column=2,
        status_labels=STATUS_LABELS,
    )
    policy, lang = active_policy(), _language()
    total = 0
    for row in rows:
        table.row(_holding_cells(row, str(row.status), policy, lang))
        total += 1
    command.stdout.write(
        ngettext("%(count)d holding", "%(count)d holdings", total) % {"count": total}
    )
    return 0


# -- run and replay ----------------------------------------------------------------------------


def report_as_dict(report: RunReport) -> dict[str, Any]:
    return {
        "run": str(report.run_id) if report.run_id else None,
        "kind": str(report.kind),
        "as_of": report.as_of.isoformat(),
        "dry_run": report.dry_run,
        "processed": report.processed,
        "people_erased": report.people_erased,
        "clauses": report.clauses(),
        "holds": report.holds,
        "first_holding": _text(report.first_holding) or None,
        "last_holding": _text(report.last_holding) or None,
        "first_event": report.first_event,
        "last_event": report.last_event,
        "receipt_event": report.receipt_event,
        "duration_ms": report.duration_ms,
        "ledger_lines": report.ledger_lines,
        "anonymisation_entry": _text(report.anonymisation_entry) or None,
        "interrupted_runs": report.interrupted,
    }


def _write_report(command: BaseCommand, report: RunReport, *, as_json: bool) -> None:
    if as_json:
        command.stdout.write(json.dumps(report_as_dict(report), indent=2))
        return
    if report.dry_run:
        command.stdout.write(_("Dry run for %(day)s: nothing was changed.") % {"day": report.as_of})
    else:
        command.stdout.write(
            _("Run %(run)s for %(day)s (%(kind)s)")
            % {"run": report.run_id, "day": report.as_of, "kind": report.kind}
        )
    for run_id in report.interrupted:
        command.stdout.write(_("Interrupted run closed: %(run)s") % {"run": run_id})
    table = Table(
        command.stdout,
        [
            (_("Clause"), 14),
            (_("Rule"), 34),
            (_("Deleted"), 8),
            (_("Anonymised"), 10),
            (_("Held"), 6),
        ],
    )
    for rule, figures in report.clauses().items():
        table.row(
            [
                str(figures["clause"]),
                rule,
                str(figures["delete"]),
                str(figures["anonymize"]),
                str(figures["held"]),
            ]
        )
    held = sum(report.held.values())
    command.stdout.write(
        _(
            "%(processed)d holdings processed, %(people)d people erased, %(held)d held by "
            "legal holds, in %(ms)d ms."
        )
        % {
            "processed": report.processed,
            "people": report.people_erased,
            "held": held,
            "ms": report.duration_ms,
        }
    )
    if report.receipt_event:
        command.stdout.write(
            _("Receipt: audit event #%(number)d.") % {"number": report.receipt_event}
        )
    if report.anonymisation_entry:
        command.stdout.write(
            _("Anonymisation register entry: %(entry)s.") % {"entry": report.anonymisation_entry}
        )


def do_run(command: BaseCommand, options: dict[str, Any]) -> int:
    as_of: dt.date = options["day"]
    chunk = options.get("chunk")
    if chunk is not None and chunk < 1:
        raise CommandError(_("--chunk must be at least 1"))
    report = retention_run(actor=ACTOR, as_of=as_of, dry_run=options["dry_run"], limit=chunk)
    _write_report(command, report, as_json=options["json"])
    return 0


def do_replay(command: BaseCommand, options: dict[str, Any]) -> int:
    as_of: dt.date = options["day"]
    from omni_privacy.retention.ledger import LedgerError

    try:
        report = retention_replay(actor=ACTOR, as_of=as_of)
    except LedgerError as exc:
        raise CommandError(str(exc)) from exc
    _write_report(command, report, as_json=options["json"])
    return 0


# -- check -------------------------------------------------------------------------------------


def _check_status(row: LateHolding) -> str:
    if row.held:
        return "held"
    return "overdue" if str(row.status) == "overdue" else "late"


def do_check(command: BaseCommand, options: dict[str, Any]) -> int:
    as_of: dt.date = options["day"]
    """Exit 1 when a live holding not under a legal hold is past its due day: the run of that
    day should have acted (a run missed, failed, or the worker is down)."""
    # The figures, and so the exit status, are the console dashboard's (retention_overview
    # over every holding); the rows list them one by one.
    overview = retention_overview(as_of=as_of, sources=None)
    counts = {"late": overview.late, "overdue": overview.overdue, "held": overview.held}
    rows = late_holdings(as_of=as_of)
    if options["json"]:
        command.stdout.write(f'{{"as_of": "{as_of.isoformat()}", "holdings": [', ending="")
        for index, row in enumerate(rows):
            status = _check_status(row)
            data = row_as_dict(row)  # type: ignore[arg-type]
            data["status"] = status
            command.stdout.write(("\n" if index == 0 else ",\n") + json.dumps(data), ending="")
        command.stdout.write("\n], " + json.dumps(counts)[1:])
    else:
        table = Table(
            command.stdout,
            _holding_columns(_("Status")),
            status_column=2,
            status_labels=CHECK_LABELS,
        )
        policy, lang = active_policy(), _language()
        for row in rows:
            table.row(_holding_cells(row, _check_status(row), policy, lang))  # type: ignore[arg-type]
        alarm = counts["late"] + counts["overdue"]
        if alarm:
            command.stdout.write(
                ngettext(
                    "ALARM: %(count)d holding past its due day (%(overdue)d past the "
                    "60-day deadline); %(held)d held by legal holds.",
                    "ALARM: %(count)d holdings past their due day (%(overdue)d past the "
                    "60-day deadline); %(held)d held by legal holds.",
                    alarm,
                )
                % {"count": alarm, "overdue": counts["overdue"], "held": counts["held"]}
            )
        else:
            command.stdout.write(
                _("OK: nothing past its due day; %(held)d held by legal holds.")
                % {"held": counts["held"]}
            )
    return 1 if counts["late"] + counts["overdue"] else 0


# The record-keeping sub-commands live in their own module (size), dispatched from here too.
from omni_privacy.ops.retention_records import (  # noqa: E402
    do_hold,
    do_holds,
    do_register,
    do_release,
    do_runs,
)

__all__ = [
    "do_check",
    "do_hold",
    "do_holds",
    "do_plan",
    "do_register",
    "do_release",
    "do_replay",
    "do_run",
    "do_runs",
]
