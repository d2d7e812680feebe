"""What `omni-privacy retention hold|release|holds|runs|register` print: the records an
auditor asks for (legal holds, runs with their receipts, the anonymisation register)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omni_privacy.accounts.models import User
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.ops.options import write_json
from omni_privacy.ops.tables import Table, label, write_json_list
from omni_privacy.registry.models import Organization
from omni_privacy.registry.selectors import person_by_email
from omni_privacy.retention.holds import active_holds, legal_hold_place, legal_hold_release
from omni_privacy.retention.labels import RUN_KIND_LABELS, RUN_STATUS_LABELS
from omni_privacy.retention.models import AnonymisationEntry, LegalHold, RetentionRun


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _text(value: object) -> str:
    return "" if value is None else str(value)


# -- legal holds -------------------------------------------------------------------------------


def _officer(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("--by: no active staff account %(name)r") % {"name": username})
    return user


def do_hold(command: BaseCommand, options: dict[str, Any]) -> int:
    as_of: dt.date = options["day"]
    person = organization = None
    if options["person"]:
        person = person_by_email(options["person"])
        if person is None:
            raise CommandError(_("--person: no person with that email address"))
    else:
        organization = Organization.objects.filter(code=options["organization"]).first()
        if organization is None:
            raise CommandError(
                _("--organization: no organisation %(code)r") % {"code": options["organization"]}
            )
    until = None
    if options["until"]:
        try:
            until = dt.date.fromisoformat(options["until"])
        except ValueError as exc:
            raise CommandError(_("--until must be a date as YYYY-MM-DD")) from exc
    try:
        hold = legal_hold_place(
            user=_officer(options["by"]),
            reason=options["reason"],
            person=person,
            organization=organization,
            until=until,
            today=as_of,
            now=options["now"],
        )
    except InvalidInputError as exc:
        raise CommandError(_hold_refusal(exc)) from exc
    if options["json"]:
        write_json(command, _hold_json(hold, as_of))
        return 0
    command.stdout.write(_("Legal hold placed: %(hold)s") % {"hold": hold.public_id})
    return 0


def do_release(command: BaseCommand, options: dict[str, Any]) -> int:
    try:
        hold = LegalHold.objects.select_related("person", "organization", "placed_by").get(
            public_id=uuid.UUID(options["hold_id"])
        )
    except (ValueError, LegalHold.DoesNotExist) as exc:
        raise CommandError(_("no legal hold %(hold)r") % {"hold": options["hold_id"]}) from exc
    try:
        hold = legal_hold_release(user=_officer(options["by"]), hold=hold, now=options["now"])
    except InvalidInputError as exc:
        raise CommandError(_hold_refusal(exc)) from exc
    if options["json"]:
        write_json(command, _hold_json(hold, options["day"]))
        return 0
    command.stdout.write(_("Legal hold released: %(hold)s") % {"hold": hold.public_id})
    return 0


def _hold_refusal(error: InvalidInputError) -> str:
    """The service's refusals, in the reader's words (one line per problem)."""
    words = {
        "reason": _("--reason: is required"),
        "until": _("--until: is in the past"),
        "placed_by": _("--by: only a privacy officer may place a legal hold"),
        "released_by": _("--by: only a privacy officer may release a legal hold"),
        "released_at": _("--as-of: is before the hold was placed"),
        "hold": _("the legal hold is already released"),
    }
    return "; ".join(words.get(problem.field, str(problem)) for problem in error.errors)


def _hold_json(hold: LegalHold, as_of: dt.date) -> dict[str, Any]:
    active = set(active_holds(as_of=as_of).filter(pk=hold.pk).values_list("pk", flat=True))
    return {"as_of": as_of.isoformat(), **hold_as_dict(hold, active=active)}


def hold_as_dict(hold: LegalHold, *, active: set[int]) -> dict[str, Any]:
    return {
        "hold": str(hold.public_id),
        "person": str(hold.person.public_id) if hold.person else None,
        "organization": hold.organization.code if hold.organization else None,
        "reason": hold.reason,
        "placed_by": hold.placed_by.username,
        "placed_at": timezone.localtime(hold.placed_at).isoformat(),
        "until": _day(hold.until),
        "released_at": timezone.localtime(hold.released_at).isoformat()
        if hold.released_at
        else None,
        "released_by": hold.released_by.username if hold.released_by else None,
        "active": hold.pk in active,
    }


def do_holds(command: BaseCommand, options: dict[str, Any]) -> int:
    as_of: dt.date = options["day"]
    active = set(active_holds(as_of=as_of).values_list("pk", flat=True))
    holds = LegalHold.objects.select_related(
        "person", "organization", "placed_by", "released_by"
    ).order_by("-placed_at", "-id")
    rows = [hold_as_dict(hold, active=active) for hold in holds]
    if options["json"]:
        write_json_list(command, rows)
        return 0
    table = Table(
        command.stdout,
        [
            (_("Hold"), 36),
            (_("Active"), 6),
            (_("Target"), 36),
            (_("Until"), 10),
            (_("Placed by"), 16),
            (_("Reason"), 40),
        ],
    )
    for row in rows:
        table.row(
            [
                row["hold"],
                _("yes") if row["active"] else _("no"),
                row["organization"] or row["person"] or "—",
                row["until"] or "—",
                row["placed_by"],
                row["reason"],
            ]
        )
    return 0


# -- runs and the anonymisation register -------------------------------------------------------


def run_as_dict(run: RetentionRun) -> dict[str, Any]:
    return {
        "run": str(run.public_id),
        "kind": run.kind,
        "as_of": run.as_of.isoformat(),
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "processed": run.processed,
        "people_erased": run.people_erased,
        "counts": run.counts,
        "held": run.held,
        "first_holding": _text(run.first_holding) or None,
        "last_holding": _text(run.last_holding) or None,
        "receipt_event": run.receipt_event,
        "duration_ms": run.duration_ms,
    }


def do_runs(command: BaseCommand, options: dict[str, Any]) -> int:
    runs = [run_as_dict(run) for run in RetentionRun.objects.all()[: options["limit"]]]
    if options["json"]:
        write_json_list(command, runs)
        return 0
    table = Table(
        command.stdout,
        [
            (_("Run"), 36),
            (_("Kind"), 9),
            (_("As of"), 10),
            (_("Status"), 11),
            (_("Processed"), 9),
            (_("Receipt"), 8),
            (_("Duration (ms)"), 13),
        ],
    )
    for run in runs:
        table.row(
            [
                run["run"],
                label(RUN_KIND_LABELS, run["kind"]),
                run["as_of"],
                label(RUN_STATUS_LABELS, run["status"]),
                str(run["processed"]),
                f"#{run['receipt_event']}" if run["receipt_event"] else "—",
                _text(run["duration_ms"]) or "—",
            ]
        )
    return 0


def entry_as_dict(entry: AnonymisationEntry) -> dict[str, Any]:
    return {
        "entry": str(entry.public_id),
        "run": str(entry.run.public_id),
        "anonymised_on": entry.anonymised_on.isoformat(),
        "holdings": entry.holdings,
        "by_source": entry.by_source,
        "purposes": entry.purposes,
        "fields_removed": entry.fields_removed,
        "fields_generalised": entry.fields_generalised,
        "fields_kept": entry.fields_kept,
        "techniques": entry.techniques,
        "security_measures": entry.security_measures,
        "risk_analysis": entry.risk_analysis,
    }


def do_register(command: BaseCommand, options: dict[str, Any]) -> int:
    entries = [entry_as_dict(e) for e in AnonymisationEntry.objects.select_related("run")]
    if options["json"]:
        write_json_list(command, entries)
        return 0
    for entry in entries:
        command.stdout.write(
            ngettext(
                "%(day)s: %(count)d holding anonymised (run %(run)s)",
                "%(day)s: %(count)d holdings anonymised (run %(run)s)",
                entry["holdings"],
            )
            % {"day": entry["anonymised_on"], "count": entry["holdings"], "run": entry["run"]}
        )
        command.stdout.write(
            "  " + _("Purposes: %(list)s") % {"list": ", ".join(entry["purposes"])}
        )
        command.stdout.write(
            "  " + _("Techniques: %(list)s") % {"list": ", ".join(entry["techniques"])}
        )
        command.stdout.write(
            "  "
            + _("Security measures: %(list)s") % {"list": ", ".join(entry["security_measures"])}
        )
        command.stdout.write("  " + _("Risk analysis: %(code)s") % {"code": entry["risk_analysis"]})
    if not entries:
        command.stdout.write(_("The anonymisation register is empty."))
    return 0
