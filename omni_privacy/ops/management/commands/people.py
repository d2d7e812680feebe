"""`omni-privacy people show EMAIL`: a person and everything held about them.

The address is the operator's own input on their own terminal: it may be shown on stdout,
but it never goes to an error message or a log. Three answers, each with its exit status:
held (0, the person and their holdings), unknown (1, no person and no erasure), erased (3, no
person any more; the erasure ledger's keyed digest says when).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omni_privacy.ops.options import add_json, moment, write_json
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import Person
from omni_privacy.registry.selectors import person_by_email
from omni_privacy.registry.services import person_erasure_request_record
from omni_privacy.retention.people import PersonHolding, erasure_by_email, person_holdings

EXIT_UNKNOWN = 1
EXIT_ERASED = 3


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
        "roles": list(row.roles),
        "role_removed_at": _day(row.role_removed_at),
    }


class Command(BaseCommand):
    help = "Show a person (found by email address) and all their holdings."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        show = actions.add_parser("show", help="show a person and their holdings")
        show.add_argument("email", help="the person's email address")
        show.add_argument("--as-of", dest="as_of", help="the day statuses are computed for")
        add_json(show)
        erase = actions.add_parser(
            "request-erasure",
            help="record a deletion request (notice §4 ¶3, §5); the sweep acts on it when due",
        )
        erase.add_argument("email", help="the person's email address")
        erase.add_argument("--as-of", dest="as_of", help="the day the request was received")
        add_json(erase)

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = moment(options["as_of"]).day
        person = person_by_email(options["email"])
        if options["action"] == "request-erasure":
            if person is None:
                raise CommandError(_("no person with that email address"))
            count = person_erasure_request_record(actor="cli", person=person, requested_on=as_of)
            if options["json"]:
                write_json(
                    self,
                    {
                        "person": str(person.public_id),
                        "requested_on": as_of.isoformat(),
                        "holdings_rescheduled": count,
                    },
                )
                return
            self.stdout.write(
                ngettext(
                    "Erasure request recorded for person %(id)s; %(count)d holding rescheduled.",
                    "Erasure request recorded for person %(id)s; %(count)d holdings rescheduled.",
                    count,
                )
                % {"id": person.public_id, "count": count}
            )
            return
        if person is None:
            self._not_held(options["email"], as_of, as_json=options["json"])
            return
        self._held(person, as_of, as_json=options["json"])

    def _not_held(self, email: str, as_of: Any, *, as_json: bool) -> None:
        """Nobody holds the address: erased (the ledger knows its digest) or never held."""
        erasure = erasure_by_email(email)
        if as_json:
            write_json(
                self,
                {
                    "status": "erased" if erasure else "unknown",
                    "as_of": as_of.isoformat(),
                    "person": None,
                    "erased_on": erasure.erased_on.isoformat() if erasure else None,
                    "holdings_erased": erasure.holdings if erasure else 0,
                    "holdings": [],
                },
            )
        elif erasure is None:
            raise CommandError(_("no person with that email address"))
        else:
            self.stdout.write(
                ngettext(
                    "Erased on %(day)s: %(count)d holding deleted or anonymised; nothing is held.",
                    "Erased on %(day)s: %(count)d holdings deleted or anonymised; nothing is held.",
                    erasure.holdings,
                )
                % {"day": erasure.erased_on.isoformat(), "count": erasure.holdings}
            )
        raise SystemExit(EXIT_UNKNOWN if erasure is None else EXIT_ERASED)

    def _held(self, person: Person, as_of: Any, *, as_json: bool) -> None:
        rows = person_holdings(person=person, as_of=as_of)
        if as_json:
            write_json(
                self,
                {
                    "status": "held",
                    "person": str(person.public_id),
                    "erasure_requested_at": _day(person.erasure_requested_at),
                    "as_of": as_of.isoformat(),
                    "holdings": [holding_as_dict(row) for row in rows],
                },
            )
            return
        self.stdout.write(_("Person %(id)s") % {"id": person.public_id})
        if person.erasure_requested_at:
            self.stdout.write(
                _("Erasure requested on %(day)s") % {"day": person.erasure_requested_at}
            )
        for row in rows:
            self._write_holding(row)

    @staticmethod
    def _roles(row: PersonHolding) -> list[tuple[str, Any]]:
        source = active_policy().sources.get(row.source)
        if source is None or not source.roles:  # only a source with roles (profiles) has them
            return []
        labels: list[tuple[str, Any]] = [(_("Roles"), ", ".join(row.roles) or "—")]
        if row.role_removed_at:
            labels.append((_("Role removed"), _day(row.role_removed_at)))
        return labels

    def _write_holding(self, row: PersonHolding) -> None:
        labels = [
            (_("Source"), row.source),
            (_("Organisation"), row.organization),
            (_("State"), row.state),
            (_("Purpose"), row.purpose),
            (_("Legal basis"), row.legal_basis),
            (_("Channel"), row.channel),
            *[(name, value) for name, value in row.fields.items()],
            *self._roles(row),
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
