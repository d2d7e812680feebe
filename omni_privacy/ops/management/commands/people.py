"""`omni-privacy people show EMAIL`: a person and everything held about them.

The address is the operator's own input on their own terminal: it may be shown on stdout,
but it never goes to an error message or a log.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.core.clock import parse_as_of
from omni_privacy.registry.selectors import person_by_email
from omni_privacy.registry.services import person_erasure_request_record
from omni_privacy.retention.selectors import PersonHolding, person_holdings


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


def holding_as_dict(row: PersonHolding) -> dict[str, Any]:
    return {
        "holding_id": str(row.holding_id),
        "source": row.source,
        "organization": row.organization,
        "state": row.state,
        "purpose": row.purpose,
        "legal_basis": row.legal_basis,
        "channel": row.channel,
        "fields": row.fields,
        "collected_at": _day(row.collected_at),
        "last_contact_at": _day(row.last_contact_at),
        "due_at": _day(row.due_at),
        "deadline_at": _day(row.deadline_at),
        "action": row.action or None,
        "rule": row.rule or None,
        "clause": row.clause or None,
        "status": str(row.status) if row.status else None,
    }


class Command(BaseCommand):
    help = "Show a person (found by email address) and all their holdings."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        show = actions.add_parser("show", help="show a person and their holdings")
        show.add_argument("email", help="the person's email address")
        show.add_argument("--as-of", dest="as_of", help="the day statuses are computed for")
        show.add_argument("--json", action="store_true", help="print JSON instead of text")
        erase = actions.add_parser(
            "request-erasure",
            help="record a deletion request (notice §4 ¶3, §5); the sweep acts on it when due",
        )
        erase.add_argument("email", help="the person's email address")
        erase.add_argument("--as-of", dest="as_of", help="the day the request was received")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = parse_as_of(options["as_of"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        person = person_by_email(options["email"])
        if person is None:
            raise CommandError(_("no person with that email address"))
        if options["action"] == "request-erasure":
            count = person_erasure_request_record(actor="cli", person=person, requested_on=as_of)
            self.stdout.write(
                _("Erasure request recorded for person %(id)s; %(count)d holdings rescheduled.")
                % {"id": person.public_id, "count": count}
            )
            return
        rows = person_holdings(person=person, as_of=as_of)
        if options["json"]:
            data = {
                "person": str(person.public_id),
                "erasure_requested_at": _day(person.erasure_requested_at),
                "as_of": as_of.isoformat(),
                "holdings": [holding_as_dict(row) for row in rows],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_("Person %(id)s") % {"id": person.public_id})
        if person.erasure_requested_at:
            self.stdout.write(
                _("Erasure requested on %(day)s") % {"day": person.erasure_requested_at}
            )
        for row in rows:
            self._write_holding(row)

    def _write_holding(self, row: PersonHolding) -> None:
        labels = [
            (_("Source"), row.source),
            (_("Organisation"), row.organization),
            (_("State"), row.state),
            (_("Purpose"), row.purpose),
            (_("Legal basis"), row.legal_basis),
            (_("Channel"), row.channel),
            *[(name, value) for name, value in row.fields.items()],
            (_("Collected"), _day(row.collected_at)),
            (_("Last contact"), _day(row.last_contact_at) or "—"),
        ]
        if row.due_at:
            labels += [
                (_("Due"), _day(row.due_at)),
                (_("Deadline"), _day(row.deadline_at) or "—"),
                (_("Action"), row.action),
                (_("Clause"), f"{row.clause} [{row.rule}]"),
            ]
        if row.status is not None:
            labels.append((_("Status"), str(row.status)))
        self.stdout.write("")
        self.stdout.write(_("Holding %(id)s") % {"id": row.holding_id})
        for label, value in labels:
            self.stdout.write(f"  {label}: {value}")
