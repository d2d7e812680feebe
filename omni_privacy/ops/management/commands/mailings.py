"""`omni-privacy mailings send-update|incident-alert|announce-notice|list` (docs/mailings.md).

Each send creates the campaign and sends it at once: every recipient is checked with
`may_use` for the campaign's purpose, and the whole campaign is refused (exit status 1, the
reason printed) when its selection reaches anyone whose data was not collected for it.
`--preview` prints the audience's counts and sends nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omni_privacy.core.errors import InvalidInputError
from omni_privacy.mailings.labels import KINDS, NO_RECIPIENT, STATES
from omni_privacy.mailings.models import Campaign, CampaignState
from omni_privacy.mailings.selectors import campaign_audience, campaign_delivery, campaigns
from omni_privacy.mailings.services import campaign_create, campaign_send
from omni_privacy.ops.options import add_as_of, add_json, moment, write_json
from omni_privacy.ops.tables import Table, label

KIND_OF = {
    "send-update": "software_update",
    "incident-alert": "security_incident",
    "announce-notice": "notice_change",
}


def _text(options: dict[str, Any], name: str) -> str:
    path = options.get(f"{name}_file")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeError) as exc:
            flag = "--" + name.replace("_", "-") + "-file"
            raise CommandError(
                _("%(flag)s: cannot read %(path)s (%(reason)s)")
                % {"flag": flag, "path": path, "reason": exc.__class__.__name__}
            ) from exc
    return str(options.get(name) or "")


def campaign_as_dict(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": str(campaign.public_id),
        "kind": campaign.kind,
        "purpose": campaign.purpose,
        "state": campaign.state,
        "created_at": campaign.created_at.isoformat(),
        "sent_at": campaign.sent_at.isoformat() if campaign.sent_at else None,
        "organizations": campaign.organizations,
        "instances": campaign.instances,
        "notice": (
            f"{campaign.notice_identifier} v{campaign.notice_version}"
            if campaign.notice_identifier
            else None
        ),
        "audience": campaign.audience,
        "refusal": campaign.refusal or None,
        "delivery": campaign_delivery(campaign=campaign),
    }


def refusal_text(campaign: Campaign) -> str:
    return _(
        "Campaign refused: %(people)d people it selects hold no data for the purpose "
        "%(purpose)s (notice §3). Nothing was sent."
    ) % {"people": campaign.refusal.get("people", 0), "purpose": campaign.purpose or "-"}


def _dated(sub: CommandParser) -> None:
    add_as_of(sub, "the day of the send: who is held, and for which purposes, that day")
    add_json(sub)


class Command(BaseCommand):
    help = "Send purpose-checked campaigns (software updates, incident alerts, notice changes)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        for name, helptext in (
            ("send-update", "software-update notice to the update-notice subscribers"),
            ("incident-alert", "security-incident alert (urgent) to the security contacts"),
        ):
            sub = actions.add_parser(name, help=helptext)
            for language in ("fr", "en"):
                sub.add_argument(f"--subject-{language}", required=True)
                sub.add_argument(f"--body-{language}")
                sub.add_argument(f"--body-{language}-file", help="read the body from a file")
            sub.add_argument(
                "--organization",
                action="append",
                default=[],
                required=name == "incident-alert",
                help="an organisation's code (repeatable)",
            )
            sub.add_argument(
                "--instance", action="append", default=[], help="an instance's name (repeatable)"
            )
            sub.add_argument("--preview", action="store_true", help="counts only; send nothing")
            _dated(sub)
        notice = actions.add_parser("announce-notice", help="announce a notice version (§11)")
        notice.add_argument("--identifier", default="QAC-REC-004")
        notice.add_argument("--version", required=True)
        notice.add_argument("--preview", action="store_true", help="counts only; send nothing")
        _dated(notice)
        listing = actions.add_parser("list", help="campaigns and their delivery")
        listing.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list(as_json=options["json"])
            return
        kind = KIND_OF[options["action"]]
        values: dict[str, Any] = {}
        if kind == "notice_change":
            values = {
                "notice_identifier": options["identifier"],
                "notice_version": options["version"],
            }
        else:
            values = {
                "subject_fr": options["subject_fr"],
                "subject_en": options["subject_en"],
                "body_fr": _text(options, "body_fr"),
                "body_en": _text(options, "body_en"),
                "organizations": options["organization"],
                "instances": options["instance"],
            }
        when = moment(options["as_of"])
        if options["preview"]:
            self._preview(kind, values, at=when.now)
            return
        try:
            campaign = campaign_create(kind=kind, actor="cli", **values)
        except InvalidInputError as error:
            raise CommandError(str(error)) from error
        campaign = campaign_send(campaign=campaign, actor="cli", at=when.now)
        if campaign.state == CampaignState.REFUSED:
            raise CommandError(refusal_text(campaign))
        if options["json"]:
            write_json(self, campaign_as_dict(campaign))
            return
        self.stdout.write(
            ngettext(
                "Campaign %(id)s: %(count)d message queued (fr %(fr)d, en %(en)d).",
                "Campaign %(id)s: %(count)d messages queued (fr %(fr)d, en %(en)d).",
                campaign.audience["recipients"],
            )
            % {
                "id": campaign.public_id,
                "count": campaign.audience["recipients"],
                "fr": campaign.audience["by_language"]["fr"],
                "en": campaign.audience["by_language"]["en"],
            }
        )

    def _preview(self, kind: str, values: dict[str, Any], *, at: Any) -> None:
        # Created and rolled back: the preview is the audience the campaign would have.
        try:
            with transaction.atomic():
                campaign = campaign_create(kind=kind, actor="cli", **values)
                planned = campaign_audience(campaign=campaign, at=at).audience
                transaction.set_rollback(True)
        except InvalidInputError as error:
            raise CommandError(str(error)) from error
        body = {
            "recipients": len(planned.recipients),
            "by_language": planned.by_language,
            "left_out": planned.left_out,
            "without_purpose": len(planned.without_purpose),
        }
        self.stdout.write(json.dumps(body, indent=2))

    def _list(self, *, as_json: bool) -> None:
        rows = [campaign_as_dict(campaign) for campaign in campaigns()]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        table = Table(
            self.stdout,
            [
                (_("Campaign"), 36),
                (_("Kind"), 26),
                (_("State"), 22),
                (_("Recipients"), 10),
                (_("Sent"), 6),
                (_("Failed"), 6),
            ],
        )
        for row in rows:
            table.row(
                [
                    row["id"],
                    label(KINDS, row["kind"]),
                    # A campaign that reached nobody is not "sent" (as in the console).
                    str(NO_RECIPIENT)
                    if row["state"] == "sent" and not any(row["delivery"].values())
                    else label(STATES, row["state"]),
                    str(row["audience"].get("recipients", 0)),
                    str(row["delivery"]["sent"]),
                    str(row["delivery"]["failed"]),
                ]
            )
