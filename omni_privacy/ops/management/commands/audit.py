"""`omni-privacy audit verify`: walk the audit log's hash chain (notice §8)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omni_privacy.audit.services import audit_verify
from omni_privacy.ops.options import add_json, write_json


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit 1 at the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        verify = actions.add_parser(
            "verify", help="walk the whole chain and report the first break"
        )
        add_json(verify)

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = audit_verify()
        if options["json"]:
            write_json(
                self,
                {
                    "intact": broken is None,
                    "events_checked": checked,
                    "broken_at": broken.sequence if broken else None,
                    "message": broken.reason if broken else None,
                },
            )
            if broken is not None:
                raise SystemExit(1)
            return
        if broken is not None:
            raise CommandError(
                _("audit log BROKEN at event #%(sequence)d: %(reason)s")
                % {"sequence": broken.sequence, "reason": broken.reason}
            )
        intact = ngettext(
            "audit log intact: %(count)d event", "audit log intact: %(count)d events", checked
        )
        self.stdout.write(intact % {"count": checked})
