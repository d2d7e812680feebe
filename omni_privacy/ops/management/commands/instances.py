"""`omni-privacy instances add|list`: the customer instances the monthly sync reads (notice §2.4
scenario 1). The export token is read from a file (never from the command line, where the
shell history and the process list would keep it) and stored sealed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.core.errors import InvalidInputError
from omni_privacy.ops.options import add_json, write_json
from omni_privacy.ops.tables import Table
from omni_privacy.registry.models import Instance, Organization
from omni_privacy.registry.services import instance_create


def _read_token(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeError) as exc:
        raise CommandError(
            _("--token-file: cannot read %(path)s (%(reason)s)")
            % {"path": path, "reason": exc.__class__.__name__}
        ) from exc


def instance_as_dict(instance: Instance) -> dict[str, Any]:
    return {
        "name": instance.code,
        "organization": instance.organization.code,
        "export_url": instance.export_url or None,
        "token": bool(instance.token_sealed),
        "last_synced_at": instance.last_synced_at.isoformat() if instance.last_synced_at else None,
    }


class Command(BaseCommand):
    help = "Register and list customer instances (the sources of the monthly sync)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="register an instance of an organisation")
        add.add_argument("name", help="the instance's name (letters, digits, hyphens)")
        add.add_argument("--organization", required=True, help="the organisation's code")
        add.add_argument("--url", default="", help="the export URL of its user-profile snapshot")
        add.add_argument("--token-file", help="a file holding the export's access token")
        add_json(add)
        listing = actions.add_parser("list", help="list the instances")
        listing.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "add":
            self._add(options)
        else:
            self._list(as_json=options["json"])

    def _add(self, options: dict[str, Any]) -> None:
        code = options["organization"]
        organization = Organization.objects.filter(code=code).first()
        if organization is None:
            raise CommandError(_("--organization: no organisation %(code)r") % {"code": code})
        token = _read_token(options["token_file"]) if options["token_file"] else None
        try:
            instance = instance_create(
                actor="cli",
                organization=organization,
                code=options["name"],
                export_url=options["url"],
                token=token,
            )
        except InvalidInputError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            write_json(self, instance_as_dict(instance))
            return
        self.stdout.write(_("Instance registered: %(name)s") % {"name": instance.code})

    def _list(self, *, as_json: bool) -> None:
        rows = [
            instance_as_dict(instance)
            for instance in Instance.objects.select_related("organization").order_by("code")
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        table = Table(
            self.stdout,
            [(_("Name"), 20), (_("Organisation"), 16), (_("Export URL"), 44), (_("Token"), 5),
             (_("Last sync"), 25)],
        )  # fmt: skip
        for row in rows:
            table.row(
                [
                    row["name"],
                    row["organization"],
                    row["export_url"] or "—",
                    _("yes") if row["token"] else _("no"),
                    row["last_synced_at"] or _("never"),
                ]
            )
