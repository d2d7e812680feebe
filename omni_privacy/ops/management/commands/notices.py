"""`omni-privacy notices import|publish|list`: versions of the privacy notice (notice §11).

``import`` reads the French and the English texts from UTF-8 text or Markdown files and records
a draft (``--publish``: and publishes it, in the same transaction). ``publish`` publishes a
draft. Bad input names the option and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from omni_privacy.accounts.models import User
from omni_privacy.core.errors import InvalidInputError, Problem
from omni_privacy.notices.domain.rules import CLASSIFICATIONS
from omni_privacy.notices.models import NoticeState, NoticeVersion
from omni_privacy.notices.selectors import all_versions
from omni_privacy.notices.services import (
    NO_SUCH_NOTICE_VERSION,
    NoticeInput,
    notice_import,
    notice_publish,
    notice_text_decode,
)
from omni_privacy.ops.options import add_as_of, add_json, moment, write_json
from omni_privacy.ops.tables import Table, label

OPTIONS = {
    "identifier": "--identifier",
    "version": "--version",
    "effective": "--effective",
    "classification": "--classification",
    "fr": "--fr",
    "en": "--en",
    "published_by": "--by",
    "actor": "--by",
}


def refused(error: InvalidInputError) -> CommandError:
    """The service's problems, each under the option it is about."""
    return CommandError(
        "; ".join(f"{OPTIONS.get(item.field, item.field)}: {item.message}" for item in error.errors)
    )


def _read(path: str, option: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(
            _("%(option)s: cannot read %(path)s (%(reason)s)")
            % {"option": option, "path": path, "reason": exc.__class__.__name__}
        ) from exc
    try:
        return notice_text_decode(data, field=option.lstrip("-"))
    except InvalidInputError as exc:
        raise refused(exc) from exc


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("%(option)s must be a date as YYYY-MM-DD, not %(value)r")
            % {"option": option, "value": value}
        ) from exc


def _actor(username: str | None) -> User | str:
    if not username:
        return "cli"
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("--by: no active staff account %(name)r") % {"name": username})
    return user


def version_as_dict(item: Any) -> dict[str, Any]:
    """A NoticeVersion row or a selector's NoticeVersionView (same fields, ``version`` as text
    in the view)."""
    published = item.published_at.astimezone(dt.UTC).isoformat() if item.published_at else None
    return {
        "identifier": item.identifier,
        "version": int(item.version),
        "state": item.state,
        "effective_on": item.effective_on.isoformat(),
        "published_at": published,
        "classification": item.classification,
    }


class Command(BaseCommand):
    help = "Import, publish and list versions of the privacy notice."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("import", help="record a version from its FR and EN files")
        add.add_argument("--identifier", required=True, help="the notice, e.g. QAC-REC-004")
        add.add_argument("--version", required=True, type=int, help="its number (1, 2, ...)")
        add.add_argument("--effective", required=True, help="effective date, YYYY-MM-DD")
        add.add_argument("--fr", required=True, help="the French text (UTF-8 text or Markdown)")
        add.add_argument("--en", required=True, help="the English text (UTF-8 text or Markdown)")
        add.add_argument("--summary-fr", default="", help="what changed, in French")
        add.add_argument("--summary-en", default="", help="what changed, in English")
        add.add_argument("--classification", default="public", choices=CLASSIFICATIONS)
        add.add_argument("--publish", action="store_true", help="publish it at once")
        add.add_argument("--by", help="the privacy officer's username (audit)")
        publish = actions.add_parser("publish", help="publish a draft version")
        publish.add_argument("identifier")
        publish.add_argument("number", type=int, metavar="VERSION")
        publish.add_argument("--by", help="the privacy officer's username (audit)")
        for sub in (add, publish):
            add_as_of(sub, "the day it is published (published_at: the start of that day)")
            add_json(sub)
        listing = actions.add_parser("list", help="list every version, drafts included")
        listing.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        elif options["action"] == "publish":
            self._publish(options)
        else:
            self._list(as_json=options["json"])

    def _import(self, options: dict[str, Any]) -> None:
        when = moment(options["as_of"])
        data = NoticeInput(
            identifier=options["identifier"],
            version=options["version"],
            effective_on=_date(options["effective"], "--effective"),
            text_fr=_read(options["fr"], "--fr"),
            text_en=_read(options["en"], "--en"),
            summary_fr=options["summary_fr"],
            summary_en=options["summary_en"],
            classification=options["classification"],
        )
        actor = _actor(options["by"])
        try:
            with transaction.atomic():
                version = notice_import(data=data, actor=actor)
                if options["publish"]:
                    version = notice_publish(version_id=version.pk, actor=actor, at=when.now)
        except InvalidInputError as error:
            raise refused(error) from error
        if options["json"]:
            write_json(self, version_as_dict(version))
            return
        message = (
            _("Published: %(notice)s, in force from %(day)s.")
            if version.is_published
            else _("Draft recorded: %(notice)s, to come into force on %(day)s.")
        )
        self.stdout.write(message % {"notice": str(version), "day": version.effective_on})

    def _publish(self, options: dict[str, Any]) -> None:
        version = NoticeVersion.objects.filter(
            identifier=options["identifier"], version=options["number"]
        ).first()
        if version is None:
            raise refused(InvalidInputError([Problem(NO_SUCH_NOTICE_VERSION, field="version")]))
        try:
            version = notice_publish(
                version_id=version.pk, actor=_actor(options["by"]), at=moment(options["as_of"]).now
            )
        except InvalidInputError as error:
            raise refused(error) from error
        if options["json"]:
            write_json(self, version_as_dict(version))
            return
        self.stdout.write(
            _("Published: %(notice)s, in force from %(day)s.")
            % {"notice": str(version), "day": version.effective_on}
        )

    def _list(self, *, as_json: bool) -> None:
        rows: list[dict[str, Any]] = [version_as_dict(item) for item in all_versions()]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        table = Table(
            self.stdout,
            [(_("Notice"), 14), (_("Version"), 7), (_("State"), 9), (_("Effective"), 10),
             (_("Published"), 25), (_("Classification"), 12)],
        )  # fmt: skip
        for row in rows:
            table.row(
                [
                    row["identifier"],
                    str(row["version"]),
                    label(dict(NoticeState.choices), row["state"]),
                    row["effective_on"],
                    row["published_at"] or "—",
                    row["classification"],
                ]
            )
