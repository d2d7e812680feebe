"""`omni-privacy outbox status|deliver`: the durable outbox (docs/mailings.md).

`deliver` runs one delivery round in the foreground (what the worker's `outbox_deliver` job does
every minute): useful after an SMTP outage, or where no worker runs.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, Min
from django.utils.translation import gettext as _

from omni_privacy.ops.tables import Table
from omni_privacy.outbox.delivery import outbox_deliver_due
from omni_privacy.outbox.models import OutboxMessage, OutboxStatus


def outbox_counts() -> dict[str, int]:
    counts = dict.fromkeys(OutboxStatus.values, 0)
    for row in OutboxMessage.objects.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


class Command(BaseCommand):
    help = "Show the outbox's messages per status, or run one delivery round."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        status = actions.add_parser("status", help="messages per status, oldest waiting")
        status.add_argument("--json", action="store_true", help="print JSON instead of text")
        actions.add_parser("deliver", help="send what is due now (one round)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "deliver":
            report = outbox_deliver_due()
            self.stdout.write(json.dumps(report.as_dict()))
            return
        counts = outbox_counts()
        waiting = OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).aggregate(
            oldest=Min("created_at")
        )["oldest"]
        if options["json"]:
            body = {"counts": counts, "oldest_queued": waiting.isoformat() if waiting else None}
            self.stdout.write(json.dumps(body, indent=2))
            return
        table = Table(self.stdout, [(_("Status"), 10), (_("Messages"), 9)])
        for status, count in counts.items():
            table.row([status, str(count)])
        if waiting:
            self.stdout.write(_("Oldest queued: %(when)s") % {"when": waiting.isoformat()})
