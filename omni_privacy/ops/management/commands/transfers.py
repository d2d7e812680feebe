"""`omni-privacy transfers list`: the recipients register (notice §6, QC s.17): each place of
processing and recipient, whether a transfer to it is allowed today, and why not; the open
refusals. Assessments are recorded in the console (Registers → Recipients and transfers)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.core import clock
from omni_privacy.core.errors import words
from omni_privacy.ops.tables import Table
from omni_privacy.transfers.domain.rules import may_transfer
from omni_privacy.transfers.labels import KIND_WORDS
from omni_privacy.transfers.selectors import recipient_facts, recipients, refusals_open


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return clock.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("--as-of must be a date as YYYY-MM-DD")) from exc


class Command(BaseCommand):
    help = "List the recipients register (notice §6) and the open refusals of transfers."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="every recipient and whether it may receive")
        listing.add_argument("--as-of", dest="as_of", help="the day asked about, YYYY-MM-DD")
        listing.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _as_of(options["as_of"])
        rows: list[dict[str, Any]] = []
        for recipient in recipients():
            answer = may_transfer(recipient_facts(recipient), today)
            rows.append({
                "kind": recipient.kind, "key": recipient.key, "name": recipient.name,
                "jurisdiction": recipient.jurisdiction, "allowed": answer.allowed,
                "code": answer.code,
                "reassess_on": recipient.reassess_on.isoformat() if recipient.reassess_on else None,
            })  # fmt: skip
        refused = [
            {"kind": row.kind, "key": row.key, "code": row.code, "count": row.count,
             "last_at": row.last_at.isoformat()}
            for row in refusals_open()
        ]  # fmt: skip
        if options["json"]:
            self.stdout.write(json.dumps({"recipients": rows, "refused": refused}))
            return
        table = Table(
            self.stdout,
            [(_("Kind"), 24), (_("Key"), 20), (_("Jurisdiction"), 18), (_("Transfers"), 9),
             (_("Re-assess on"), 14)],
        )  # fmt: skip
        for row in rows:
            kind = KIND_WORDS.get(row["kind"], row["kind"])
            table.row([str(kind), row["key"], row["jurisdiction"],
                       _("allowed") if row["allowed"] else _("refused"),
                       row["reassess_on"] or "—"])  # fmt: skip
        names = {(row["kind"], row["key"]): row["name"] for row in rows}
        for row in refused:
            named = names.get((str(row["kind"]), str(row["key"])), str(row["key"]))
            self.stderr.write(words(str(row["code"]), {"recipient": named}))
