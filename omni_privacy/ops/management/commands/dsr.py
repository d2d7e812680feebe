"""`omni-privacy dsr list|show|check`: the rights-request queue on the terminal.

No personal data is printed: requests appear by reference, right, state and dates.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.core.clock import parse_as_of
from omni_privacy.dsr.selectors import (
    QueueRow,
    queue_row,
    request_by_id,
    request_history,
    request_queue,
)


def row_as_dict(row: QueueRow) -> dict[str, Any]:
    rights = row.request
    return {
        "request_id": str(rights.public_id),
        "kind": rights.kind,
        "state": rights.state,
        "jurisdiction": rights.jurisdiction,
        "channel": rights.channel,
        "received_on": rights.received_on.isoformat(),
        "due_on": rights.due_on.isoformat(),
        "extended_on": rights.extended_on.isoformat() if rights.extended_on else None,
        "days_left": row.days_left,
        "overdue": row.overdue,
        "deemed_refused": row.deemed_refused,
        "verified_method": rights.verified_method or None,
        "assigned_to": rights.assigned_to.username if rights.assigned_to else None,
    }


class Command(BaseCommand):
    help = "Rights requests: the queue, one request, and the overdue check."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="open requests, due first (or --closed)")
        listing.add_argument("--closed", action="store_true", help="the latest closed requests")
        show = actions.add_parser("show", help="one request and its history")
        show.add_argument("request_id", help="the request's reference (UUID)")
        check = actions.add_parser("check", help="exit 1 when an open request is past its due day")
        for sub in (listing, show, check):
            sub.add_argument("--as-of", dest="as_of", help="count days as of this day")
            sub.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = parse_as_of(options["as_of"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["action"] == "show":
            self._show(options["request_id"], today, as_json=options["json"])
            return
        rows = request_queue(today=today, closed=bool(options.get("closed")))
        if options["action"] == "check":
            rows = [row for row in rows if row.overdue]
        if options["json"]:
            self.stdout.write(json.dumps([row_as_dict(row) for row in rows], indent=2))
        else:
            for row in rows:
                data = row_as_dict(row)
                late = _("OVERDUE") if row.overdue else ""
                self.stdout.write(
                    f"{data['request_id']}  {data['kind']:<13} {data['state']:<21} "
                    f"{data['jurisdiction']:<6} {data['received_on']} → {data['due_on']} "
                    f"{data['days_left']:>4} {late}".rstrip()
                )
            if options["action"] == "check" and not rows:
                self.stdout.write(_("No rights request is past its due day."))
        if options["action"] == "check" and rows:
            self.stderr.write(
                _("%(count)d rights request(s) past the due day.") % {"count": len(rows)}
            )
            raise SystemExit(1)

    def _show(self, request_id: str, today: Any, *, as_json: bool) -> None:
        rights = request_by_id(request_id)
        if rights is None:
            raise CommandError(_("no rights request with that reference"))
        data = row_as_dict(queue_row(rights, today=today))
        data["history"] = [
            {
                "sequence": event.sequence,
                "at": event.occurred_at.isoformat(),
                "actor": event.actor,
                "action": event.action,
                "payload": event.payload,
            }
            for event in request_history(rights)
        ]
        if as_json:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        for key, value in data.items():
            if key != "history":
                self.stdout.write(f"{key}: {value if value is not None else '—'}")
        for event in data["history"]:
            self.stdout.write(
                f"  #{event['sequence']} {event['at']} {event['actor']} {event['action']}"
            )
