"""`omni-privacy intake mail PATH`: record the senders of inbound mail as sales contacts
(notice §2.4 scenario 2, channel email) and move the messages so they are never read twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.core.clock import parse_as_of
from omni_privacy.intake.mail import MailboxError, mail_intake
from omni_privacy.registry.models import Organization


class Command(BaseCommand):
    help = "Punctual intake: inbound mail to sales contacts."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        mail = actions.add_parser("mail", help="read a Maildir or an mbox file")
        mail.add_argument("path", help="the Maildir directory or the mbox file")
        mail.add_argument(
            "--organization", help="the organisation's code (default: from the sender's domain)"
        )
        mail.add_argument("--as-of", dest="as_of", help="the day of the intake")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = parse_as_of(options["as_of"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        organization = None
        if options["organization"]:
            code = options["organization"]
            organization = Organization.objects.filter(code=code).first()
            if organization is None:
                raise CommandError(_("--organization: no organisation %(code)r") % {"code": code})
        try:
            report = mail_intake(
                actor="cli", path=Path(options["path"]), as_of=as_of, organization=organization
            )
        except MailboxError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("%(recorded)s messages recorded as sales contacts, %(refused)s refused.")
            % {"recorded": report.recorded, "refused": len(report.refused)}
        )
        for line in report.refused:
            self.stderr.write(f"  {line}")
