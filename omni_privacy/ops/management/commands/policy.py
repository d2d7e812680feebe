"""`omni-privacy policy show|check`: print the notice as policy, or validate a policy file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from omni_privacy.policy.domain.schema import PolicyError
from omni_privacy.policy.loader import active_policy, load_policy_file
from omni_privacy.policy.render import policy_as_dict, policy_as_text


class Command(BaseCommand):
    help = "Print the policy in force (show) or validate another policy file (check)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        show = actions.add_parser("show", help="print the policy in force")
        show.add_argument(
            "--lang",
            choices=["fr", "en"],
            default=None,
            help="language of the text output (default: the installation's language)",
        )
        show.add_argument("--json", action="store_true", help="print JSON instead of text")
        check = actions.add_parser("check", help="validate a policy file")
        check.add_argument("file", help="path of the TOML policy file to validate")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "show":
            self._show(lang=options["lang"] or settings.LANGUAGE_CODE, as_json=options["json"])
        else:
            self._check(Path(options["file"]))

    def _show(self, *, lang: str, as_json: bool) -> None:
        policy = active_policy()
        if as_json:
            self.stdout.write(json.dumps(policy_as_dict(policy), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(policy_as_text(policy, lang), ending="")

    def _check(self, path: Path) -> None:
        try:
            policy = load_policy_file(path)
        except PolicyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("OK: %(identifier)s v%(version)d")
            % {"identifier": policy.notice.identifier, "version": policy.notice.version}
        )
