"""`omni-privacy dsr list|show|check`: the rights-request queue on the terminal; and
`dsr submit|verify|extend|assign|answer|deny|withdraw`: the workflow (ops/dsr_cli.py).

No personal data is printed: requests appear by reference, right, state and dates.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omni_privacy.accounts.selectors import staff_names
from omni_privacy.audit.words import actor_name, sentence
from omni_privacy.dsr.domain.deadlines import Jurisdiction
from omni_privacy.dsr.domain.states import DenialReason, Kind, is_closed
from omni_privacy.dsr.labels import KIND_LABELS, LAW_LABELS, STATE_LABELS
from omni_privacy.dsr.selectors import (
    SHORT_REFERENCE,
    overdue_requests,
    queue_row,
    request_by_reference,
    request_history,
    request_queue,
)
from omni_privacy.dsr.stores_bridge import reason_of
from omni_privacy.ops import dsr_cli
from omni_privacy.ops.dsr_cli import row_as_dict
from omni_privacy.ops.options import add_as_of, add_json, moment
from omni_privacy.ops.tables import Table, label
from omni_privacy.stores.domain.results import Failure
from omni_privacy.stores.selectors import store_erasures_of
from omni_privacy.stores.texts import erasure_table_lines, failure_text

WORKFLOW = ("submit", "verify", "extend", "assign", "answer", "deny", "withdraw")


class Command(BaseCommand):
    help = "Rights requests: the queue, one request, and the overdue check."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="open requests, due first (or --closed)")
        listing.add_argument("--closed", action="store_true", help="the latest closed requests")
        show = actions.add_parser("show", help="one request and its history")
        show.add_argument(
            "request_id", help="the request's reference: its UUID or the 8 digits the console shows"
        )
        check = actions.add_parser("check", help="exit 1 when an open request is past its due day")
        for sub in (listing, show, check):
            add_as_of(sub, "count days as of this day")
            add_json(sub)
        self._workflow(actions)

    def _workflow(self, actions: Any) -> None:
        submit = actions.add_parser("submit", help="record a request received by post or phone")
        submit.add_argument("--kind", required=True, choices=[str(k) for k in Kind])
        submit.add_argument("--email", required=True, help="the address the code is sent to")
        submit.add_argument("--jurisdiction", required=True, choices=[str(j) for j in Jurisdiction])
        submit.add_argument("--language", default="fr", choices=["fr", "en"])
        submit.add_argument("--details", help="what the person asks (e.g. what to correct)")
        submit.add_argument(
            "--direct-marketing", action="store_true", help="an objection to direct marketing"
        )
        verify = actions.add_parser("verify", help="record the identity check (notice §9.2)")
        how = verify.add_mutually_exclusive_group(required=True)
        how.add_argument("--code", help="the emailed one-time code the person read out")
        how.add_argument(
            "--phone", action="store_true", help="identity confirmed by telephone by --as"
        )
        extend = actions.add_parser("extend", help="extend the time to answer (PIPEDA, GDPR)")
        assign = actions.add_parser("assign", help="assign the request to a privacy officer")
        assign.add_argument("--to", required=True, metavar="USERNAME", help="the assignee")
        answer = actions.add_parser("answer", help="fulfil a verified request; the letter leaves")
        answer.add_argument(
            "--correct",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="rectification: a corrected value (full_name, phone, preferred_language)",
        )
        deny = actions.add_parser("deny", help="refuse the request, with a reason code")
        deny.add_argument("--reason", required=True, choices=[str(r) for r in DenialReason])
        deny.add_argument("--text", help="the explanation sent to the person")
        withdraw = actions.add_parser("withdraw", help="the person withdrew the request")
        for sub in (verify, extend, assign, answer, deny, withdraw):
            sub.add_argument(
                "request_id", help="the request's reference (UUID or its first 8 digits)"
            )
        for sub in (submit, verify, extend, assign, answer, deny, withdraw):
            sub.add_argument(
                "--as",
                dest="officer",
                required=True,
                metavar="USERNAME",
                help="the privacy officer acting",
            )
            add_as_of(sub, "the day the step happens (dates recorded are that day)")
            add_json(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        when = moment(options["as_of"])
        today = when.day
        if options["action"] in WORKFLOW:
            getattr(dsr_cli, f"do_{options['action']}")(self, options, when)
            return
        if options["action"] == "show":
            self._show(options["request_id"], today, as_json=options["json"])
            return
        if options["action"] == "check":
            # The console dashboard counts the same rows (console/views.py).
            rows = overdue_requests(today=today)
        else:
            rows = request_queue(today=today, closed=bool(options.get("closed")))
        if options["json"]:
            self.stdout.write(json.dumps([row_as_dict(row) for row in rows], indent=2))
        elif options["action"] == "check" and not rows:
            self.stdout.write(_("No rights request is past its due day."))
        else:
            table = Table(
                self.stdout,
                [(_("Reference"), 9), (_("Right"), 12), (_("State"), 21), (_("Law"), 6),
                 (_("Received"), 10), (_("Due"), 10), (_("Days left"), 5), (_("Alert"), 9)],
                status_column=7,
                status_labels={"overdue": _("OVERDUE")},
            )  # fmt: skip
            for row in rows:
                rights = row.request
                table.row(
                    [
                        str(rights.public_id)[:SHORT_REFERENCE],
                        label(KIND_LABELS, rights.kind),
                        label(STATE_LABELS, rights.state),
                        label(LAW_LABELS, rights.jurisdiction),
                        rights.received_on.isoformat(),
                        rights.due_on.isoformat(),
                        str(row.days_left),
                        "overdue" if row.overdue else "",
                    ]
                )
            if options["action"] == "list":
                self.stdout.write(
                    ngettext("%(count)d request", "%(count)d requests", len(rows))
                    % {"count": len(rows)}
                )
        if options["action"] == "check" and rows:
            self.stderr.write(
                ngettext(
                    "%(count)d rights request past the due day.",
                    "%(count)d rights requests past the due day.",
                    len(rows),
                )
                % {"count": len(rows)}
            )
            raise SystemExit(1)

    def _show(self, request_id: str, today: Any, *, as_json: bool) -> None:
        rights = request_by_reference(request_id)
        if rights is None:
            raise CommandError(_("no rights request with that reference"))
        row = queue_row(rights, today=today)
        data = row_as_dict(row)
        events = request_history(rights)
        data["history"] = [
            {
                "sequence": event.sequence,
                "at": event.occurred_at.isoformat(),
                "actor": event.actor,
                "action": event.action,
                "payload": event.payload,
            }
            for event in events
        ]
        # Omni's other databases: each store's erasure for this request (issue 17 point 6).
        jobs = store_erasures_of(reason_of(rights)) if rights.kind == "erasure" else []
        data["stores"] = [
            {
                "store": job.store.name,
                "state": job.state,
                "attempts": job.attempts,
                "next_attempt_at": job.next_attempt_at.isoformat() if job.next_attempt_at else None,
                "failure": job.failure_code or None,
                "tables": job.result.get("tables", {}),
            }
            for job in jobs
        ]
        if as_json:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        for name, value in _facts(rights, row):
            self.stdout.write(_("%(key)s: %(message)s") % {"key": name, "message": value})
        names = staff_names(events)
        for event in events:
            # The history in words (audit/words.py); --json keeps the codes.
            when = timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                f"  #{event.sequence} {when} {actor_name(event.actor, names)} · "
                f"{sentence(event.action, event.payload, names)}"
            )
        for job in jobs:
            self._store_lines(job)

    def _store_lines(self, job: Any) -> None:
        if job.state == "done":
            state = _("erased and verified")
        elif job.state == "blocked":
            state = _("blocked")
        else:
            state = _("waiting: next attempt %(when)s") % {
                "when": timezone.localtime(job.next_attempt_at).strftime("%Y-%m-%d %H:%M")
                if job.next_attempt_at
                else "—"
            }
        self.stdout.write(
            _("store %(name)s: %(state)s (%(attempts)s)")
            % {
                "name": job.store.name,
                "state": state,
                "attempts": ngettext("%(count)s attempt", "%(count)s attempts", job.attempts)
                % {"count": job.attempts},
            }
        )
        if job.failure_code:
            self.stdout.write("  " + failure_text(Failure(job.failure_code, job.failure_params)))
        for line in erasure_table_lines(job.result) if job.state == "done" else []:
            self.stdout.write("  " + line)


def _facts(rights: Any, row: Any) -> list[tuple[str, str]]:
    """The request in the reader's words (--json keeps the codes): what the console's request
    page says, without the address."""
    if is_closed(rights.state):
        due = ""  # answered: the days left no longer count
    elif row.overdue:
        due = ngettext("%(days)s day overdue", "%(days)s days overdue", row.days_overdue) % {
            "days": row.days_overdue
        }
        if row.deemed_refused:
            due += " · " + _("deemed refused (Quebec)")
    else:
        due = ngettext("%(days)s day left", "%(days)s days left", row.days_left) % {
            "days": row.days_left
        }
    if rights.extended_on:
        extended = _("extended, notice sent on %(day)s") % {"day": rights.extended_on.isoformat()}
        due = f"{due} · {extended}" if due else extended
    identity = {
        "phone": _("verified by telephone"),
        "email_code": _("verified by a code sent by email"),
    }.get(rights.verified_method or "", _("not verified"))
    assignee = rights.assigned_to
    return [
        (_("Reference"), str(rights.public_id)),
        (_("Right"), label(KIND_LABELS, rights.kind)),
        (_("State"), label(STATE_LABELS, rights.state)),
        (_("Jurisdiction"), label(LAW_LABELS, rights.jurisdiction)),
        (_("Received"), rights.received_on.isoformat()),
        (_("Due"), f"{rights.due_on.isoformat()} ({due})" if due else rights.due_on.isoformat()),
        (_("Identity"), identity),
        (_("Assigned to"), (assignee.get_full_name() or assignee.username) if assignee else "—"),
    ]
