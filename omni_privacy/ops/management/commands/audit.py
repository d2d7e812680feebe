"""`omni-privacy audit verify`: walk the audit log's hash chain (notice §8)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit 1 at the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("verify", help="walk the whole chain and report the first break")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = audit_verify()
        if broken is not None:
            raise CommandError(
                _("audit log BROKEN at event #%(sequence)d: %(reason)s")
                % {"sequence": broken.sequence, "reason": broken.reason}
            )
        self.stdout.write(_("audit log intact: %(count)d events") % {"count": checked})
