"""`omni-privacy sync import|pull|runs`: the monthly sync from customer instances (notice §2.4
scenario 1). Exit status 1 when a snapshot is refused; its problems name lines and fields."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from omni_privacy.core import clock
from omni_privacy.core.clock import parse_as_of
from omni_privacy.intake.domain.snapshot import SNAPSHOT_FORMATS, SnapshotError, detect_format
from omni_privacy.intake.selectors import instance_syncs, never_synced, sync_findings
from omni_privacy.intake.services import SyncRefusedError, SyncReport, sync_import, sync_pull
from omni_privacy.ops.tables import Table
from omni_privacy.registry.models import Instance

ACTOR = "cli"


def _moment(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def report_as_dict(report: SyncReport) -> dict[str, Any]:
    return {
        "run": str(report.run_id),
        "instance": report.instance,
        "as_of": report.as_of.isoformat(),
        "rows": report.rows,
        "counts": report.counts,
        "file_sha256": report.file_sha256,
    }


# The words of the console's Instances page for the same states (console/instances.html).
SYNC_STATUS_LABELS = {
    "stale": pgettext_lazy("sync status", "Stale"),
    "never": pgettext_lazy("sync status", "Never synced"),
    "due": pgettext_lazy("sync status", "Due"),
    "ok": pgettext_lazy("sync status", "Up to date"),
}


class Command(BaseCommand):
    help = "Apply customer instances' user-profile snapshots to the registry (monthly sync)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        imported = actions.add_parser("import", help="apply a snapshot file (JSON lines or CSV)")
        imported.add_argument("instance", help="the instance's name")
        imported.add_argument("file", help="the snapshot (.jsonl, .ndjson, .json or .csv)")
        imported.add_argument("--format", choices=SNAPSHOT_FORMATS, help="instead of the suffix")
        pulled = actions.add_parser("pull", help="fetch each instance's snapshot and apply it")
        pulled.add_argument("instance", nargs="?", help="one instance (default: every one)")
        check = actions.add_parser(
            "check",
            help="each instance's last sync; exit 1 if one is older than 31 days or never synced",
        )
        check.add_argument("--json", action="store_true", help="print JSON instead of text")
        check.add_argument("--as-of", dest="as_of", help="as at the end of this day (default: now)")
        for sub in (imported, pulled):
            sub.add_argument("--as-of", dest="as_of", help="the day of the snapshot")
            sub.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        self._json = bool(options["json"])
        try:
            as_of = parse_as_of(options["as_of"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["action"] == "check":
            self._check(as_of if options["as_of"] else None)
            return
        if options["action"] == "import":
            instance = self._instance(options["instance"])
            reports = [self._import(instance, options, as_of)]
        else:
            instances = (
                [self._instance(options["instance"])]
                if options["instance"]
                else list(Instance.objects.exclude(export_url="").order_by("code"))
            )
            reports = [self._pull(instance, as_of) for instance in instances]
        if options["json"]:
            self.stdout.write(json.dumps([report_as_dict(r) for r in reports if r], indent=None))
        failed = sum(1 for report in reports if report is None)
        if failed:
            raise SystemExit(1)

    def _check(self, as_of: dt.date | None) -> None:
        """For monitoring (notice §2.4: at most one month between refreshes). With --as-of, as
        things stand at the end of that day."""
        now = clock.now() if as_of is None else clock.start_of_day(as_of + dt.timedelta(days=1))
        items = instance_syncs(now=now)
        if self._json:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "instance": item.name,
                            "organization": item.organization,
                            "last_success": _moment(item.history.last_success),
                            "failures": item.history.failures_since_success,
                            "last_problem": item.last_problem.said() if item.last_problem else None,
                            "last_problem_code": item.last_problem.as_dict()
                            if item.last_problem
                            else None,
                            "due": item.due,
                            "stale": item.stale,
                            "never_synced": never_synced(item),
                        }
                        for item in items
                    ],
                    ensure_ascii=False,
                )
            )
        else:
            table = Table(
                self.stdout,
                [(_("Instance"), 20), (_("Last sync"), 25), (_("Failures"), 8),
                 (_("Status"), 12), (_("Last problem"), 50)],
                status_column=3,
                status_labels=SYNC_STATUS_LABELS,
            )  # fmt: skip
            for item in items:
                status = (
                    "stale"
                    if item.stale
                    else "never"
                    if never_synced(item)
                    else "due"
                    if item.due
                    else "ok"
                )
                table.row([item.name, _moment(item.history.last_success) or _("never"),
                           str(item.history.failures_since_success), status,
                           item.last_problem.said() if item.last_problem else ""])  # fmt: skip
        # The console dashboard raises the same alarms (console/views.py, sync_findings).
        if sync_findings(items).alarms:
            raise SystemExit(1)

    def _instance(self, name: str) -> Instance:
        instance = Instance.objects.select_related("organization").filter(code=name).first()
        if instance is None:
            raise CommandError(
                _("no instance %(name)r (omni-privacy instances list)") % {"name": name}
            )
        return instance

    def _import(self, instance: Instance, options: dict[str, Any], as_of: Any) -> SyncReport | None:
        path = Path(options["file"])
        try:
            fmt = options["format"] or detect_format(path.name)
        except SnapshotError as error:
            raise CommandError(str(error)) from error
        try:
            handle = path.open("rb")
        except OSError as error:
            raise CommandError(
                _("%(path)s: cannot read (%(reason)s)")
                % {"path": path, "reason": error.__class__.__name__}
            ) from error
        with handle:
            return self._applied(
                instance,
                lambda: sync_import(
                    actor=ACTOR, instance=instance, stream=handle, fmt=fmt, as_of=as_of
                ),
            )

    def _pull(self, instance: Instance, as_of: Any) -> SyncReport | None:
        return self._applied(
            instance, lambda: sync_pull(actor=ACTOR, instance=instance, as_of=as_of)
        )

    def _applied(self, instance: Instance, apply: Any) -> SyncReport | None:
        try:
            report: SyncReport = apply()
        except SyncRefusedError as refused:
            self.stderr.write(
                _("%(instance)s: snapshot refused, nothing applied (sync run %(run)s):")
                % {"instance": instance.code, "run": refused.run.public_id}
            )
            for problem in refused.problems:
                self.stderr.write(f"  {problem.said()}")
            return None
        if self._json:
            return report
        counts = report.counts
        self.stdout.write(
            _(
                "%(instance)s: %(rows)s rows; %(added)s added, %(updated)s updated, "
                "%(restored)s kept (role back), %(scheduled)s scheduled for deletion, "
                "%(unchanged)s unchanged, %(ignored)s ignored."
            )
            % {
                "instance": report.instance,
                "rows": report.rows,
                "added": counts["added"],
                "updated": counts["updated"],
                "restored": counts["restored"],
                "scheduled": counts["scheduled_for_deletion"],
                "unchanged": counts["unchanged"],
                "ignored": counts["ignored"],
            }
        )
        return report
