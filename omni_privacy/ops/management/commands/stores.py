"""`omni-privacy stores add|check|scan|list|access|erase|replay`: Omni's other databases that hold
personal data (issue 17). The connection URL is read from a file (never from the command
line, where the shell history and the process list would keep it), stored sealed, and never
printed. Exit status 1 when a check, a scan or an erasure finds a problem."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omni_privacy.ops.options import parse_day
from omni_privacy.ops.tables import Table
from omni_privacy.stores.connect import DIALECTS, StoreError
from omni_privacy.stores.domain.problems import Problem
from omni_privacy.stores.domain.results import ErasureResult, Failure
from omni_privacy.stores.domain.scan import ScanReport
from omni_privacy.stores.models import ExternalStore
from omni_privacy.stores.replay import store_replay
from omni_privacy.stores.selectors import store_by_name, stores_all
from omni_privacy.stores.services import (
    StoreInputError,
    store_access,
    store_add,
    store_check,
    store_dataset_replace,
    store_erase,
    store_scan,
)
from omni_privacy.stores.texts import (
    ACTIONS,
    SEVERITY,
    STATUSES,
    failure_text,
    keep_text,
    problem_text,
    remains_text,
    word,
)

ACTOR = "cli"


def _read(option: str, path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeError) as exc:
        raise CommandError(
            _("%(option)s: cannot read %(path)s (%(reason)s)")
            % {"option": option, "path": path, "reason": exc.__class__.__name__}
        ) from None


def problem_as_dict(problem: Problem) -> dict[str, Any]:
    return {**problem.as_dict(), "message": problem_text(problem)}


def failure_as_dict(failure: Failure | None) -> dict[str, Any] | None:
    if failure is None:
        return None
    return {"code": failure.code, "params": failure.params, "message": failure_text(failure)}


def store_as_dict(store: ExternalStore) -> dict[str, Any]:
    return {
        "name": store.name,
        "dialect": store.dialect,
        "status": store.status,
        "status_code": store.status_code or None,
        "checked_at": store.checked_at.isoformat() if store.checked_at else None,
        "dataset": store.dataset_path or None,
        "dataset_sha256": store.dataset_sha256,
        "tables": len(store.schema) if store.schema else None,
    }


def erasure_as_dict(result: ErasureResult) -> dict[str, Any]:
    return {
        "store": result.store,
        "outcome": result.outcome,
        "failure": failure_as_dict(result.failure),
        "tables": [
            {
                "table": t.table,
                "action": t.action,
                "found": t.found,
                "erased": t.erased,
                "anonymised": t.anonymised,
                "kept": t.kept,
                "keep": {"reason": t.keep.reason, "clause": t.keep.clause} if t.keep else None,
                "kept_columns": [
                    {"column": k.column, "reason": k.keep.reason, "clause": k.keep.clause}
                    for k in t.kept_columns
                ],
            }
            for t in result.tables
        ],
    }


class _TextSink:
    """Writes each table's rows as they are read (tab-separated, one row a line)."""

    def __init__(self, command: Command) -> None:
        self._out = command.stdout

    def table(self, name: str, columns: Sequence[str]) -> None:
        self._out.write(f"\n[{name}]")
        self._out.write("\t".join(columns))

    def rows(self, name: str, batch: Sequence[Sequence[Any]]) -> None:
        for row in batch:
            self._out.write("\t".join("" if value is None else str(value) for value in row))


class _JsonSink:
    """Streams ``{"tables": [{"table", "columns", "rows": [...]}, ...], ...}``."""

    def __init__(self, command: Command) -> None:
        self._out = command.stdout
        self._tables = 0
        self._rows = 0
        self._out.write('{"tables": [', ending="")

    def table(self, name: str, columns: Sequence[str]) -> None:
        if self._tables:
            self._out.write("]}, ", ending="")
        self._tables += 1
        self._rows = 0
        head = json.dumps({"table": name, "columns": list(columns)}, ensure_ascii=False)
        self._out.write(head[:-1] + ', "rows": [', ending="")

    def rows(self, name: str, batch: Sequence[Sequence[Any]]) -> None:
        text = ", ".join(json.dumps(list(row), ensure_ascii=False, default=str) for row in batch)
        self._out.write((", " if self._rows else "") + text, ending="")
        self._rows += len(batch)

    def close(self, tail: dict[str, Any]) -> None:
        if self._tables:
            self._out.write("]}", ending="")
        rest = json.dumps(tail, ensure_ascii=False)
        self._out.write("], " + rest[1:])


class Command(BaseCommand):
    help = "Register, check and scan external stores; find or erase a person's data there."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="register a store with its dataset file")
        add.add_argument("name", help="the store's name (lower-case letters, digits, hyphens)")
        add.add_argument("--dialect", required=True, choices=DIALECTS)
        add.add_argument("--url-file", required=True, help="a file holding the connection URL")
        add.add_argument("--dataset", required=True, help="the dataset file (docs/stores.md)")
        dataset = actions.add_parser("dataset", help="replace the store's dataset file")
        dataset.add_argument("name", help="the store's name")
        dataset.add_argument("--dataset", required=True, help="the fixed dataset file")
        check = actions.add_parser("check", help="reach the store and compare the dataset")
        scan = actions.add_parser("scan", help="find the columns that look personal")
        scan.add_argument("--write", help="write the proposed dataset file there")
        access = actions.add_parser("access", help="print what the store holds about a person")
        erase = actions.add_parser("erase", help="erase a person from the store (all or nothing)")
        for sub in (check, scan, access, erase):
            sub.add_argument("name", help="the store's name")
        for sub in (access, erase):
            sub.add_argument("--email", required=True, help="the person's email address")
        replay = actions.add_parser(
            "replay", help="after a restore, erase again whom the erasure ledger names"
        )
        replay.add_argument("name", help="the store's name")
        replay.add_argument(
            "--restored-from",
            required=True,
            metavar="YYYY-MM-DD",
            help="the day the restored backup was taken",
        )
        listing = actions.add_parser("list", help="list the stores")
        for sub in (add, dataset, check, scan, listing, access, erase, replay):
            sub.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        self._json = bool(options["json"])
        action = options["action"]
        try:
            if action == "add":
                self._add(options)
            elif action == "list":
                self._list()
            else:
                store = self._store(options["name"])
                if action == "dataset":
                    text = _read("--dataset", options["dataset"])
                    path = str(Path(options["dataset"]).resolve())
                    store_dataset_replace(
                        actor=ACTOR, store=store, dataset_text=text, dataset_path=path
                    )
                    self.stdout.write(
                        _("Dataset replaced for %(name)s; run stores check %(name)s next.")
                        % {"name": store.name}
                    )
                elif action == "check":
                    self._check(store)
                elif action == "scan":
                    self._scan(store, options["write"])
                elif action == "access":
                    self._access(store, options["email"])
                elif action == "replay":
                    day = parse_day(options["restored_from"], "--restored-from")
                    self._replay(store, day)
                else:
                    self._erase(store, options["email"])
        except StoreInputError as error:
            raise CommandError("\n".join(problem_text(p) for p in error.problems)) from None
        except StoreError as error:
            raise CommandError(failure_text(error.failure)) from None

    def _store(self, name: str) -> ExternalStore:
        store = store_by_name(name)
        if store is None:
            raise CommandError(_("no store %(name)r (omni-privacy stores list)") % {"name": name})
        return store

    def _add(self, options: dict[str, Any]) -> None:
        url = _read("--url-file", options["url_file"]).strip()
        dataset_text = _read("--dataset", options["dataset"])
        store = store_add(
            actor=ACTOR,
            name=options["name"],
            dialect=options["dialect"],
            url=url,
            dataset_text=dataset_text,
            dataset_path=str(Path(options["dataset"]).resolve()),
        )
        if self._json:
            self.stdout.write(json.dumps(store_as_dict(store), ensure_ascii=False))
        else:
            self.stdout.write(_("Store registered: %(name)s") % {"name": store.name})

    def _list(self) -> None:
        rows = [store_as_dict(store) for store in stores_all()]
        if self._json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        table = Table(
            self.stdout,
            [(_("Name"), 20), (_("Dialect"), 10), (_("Status"), 11), (_("Last check"), 25),
             (_("Tables"), 6), (_("Dataset"), 40)],
        )  # fmt: skip
        for row in rows:
            table.row([row["name"], row["dialect"], word(STATUSES, row["status"]),
                       row["checked_at"] or _("never"),
                       "—" if row["tables"] is None else str(row["tables"]),
                       row["dataset"] or row["dataset_sha256"][:12]])  # fmt: skip

    def _problems(self, problems: Sequence[Problem]) -> None:
        for problem in problems:
            self.stdout.write(
                _("%(severity)s: %(problem)s")
                % {"severity": word(SEVERITY, problem.severity), "problem": problem_text(problem)}
            )

    def _check(self, store: ExternalStore) -> None:
        report = store_check(actor=ACTOR, store=store)
        if self._json:
            self.stdout.write(json.dumps({
                "store": report.store, "status": report.status, "tables": report.tables,
                "problems": [problem_as_dict(p) for p in report.problems],
            }, ensure_ascii=False))  # fmt: skip
        else:
            self.stdout.write(
                _("%(name)s: %(status)s (%(tables)s tables)")
                % {"name": report.store, "status": word(STATUSES, report.status),
                   "tables": report.tables}
            )  # fmt: skip
            self._problems(report.problems)
        if report.status != ExternalStore.Status.OK:
            raise SystemExit(1)

    def _scan(self, store: ExternalStore, write: str | None) -> None:
        report: ScanReport = store_scan(actor=ACTOR, store=store)
        if write:
            Path(write).write_text(report.proposal, encoding="utf-8")
        if self._json:
            self.stdout.write(json.dumps({
                "store": store.name,
                "findings": [finding.as_dict() for finding in report.findings],
                "problems": [problem_as_dict(p) for p in report.problems],
                "proposal": report.proposal,
            }, ensure_ascii=False))  # fmt: skip
        else:
            table = Table(
                self.stdout,
                [(_("Table"), 18), (_("Column"), 18), (_("Kind"), 18), (_("Name"), 4),
                 (_("Values"), 9), (_("Source"), 16), (_("Declared"), 8)],
            )  # fmt: skip
            for f in report.findings:
                table.row([f.table, f.column, f.kind, _("yes") if f.by_name else _("no"),
                           f"{f.matched}/{f.sampled}", f.source or "—",
                           _("yes") if f.declared else _("no")])  # fmt: skip
            self._problems(report.problems)
            if write:
                self.stdout.write(_("Proposed dataset written to %(path)s") % {"path": write})
            else:
                self.stdout.write("\n" + report.proposal, ending="")
        if report.problems:
            raise SystemExit(1)

    def _access(self, store: ExternalStore, email: str) -> None:
        sink: _JsonSink | _TextSink = _JsonSink(self) if self._json else _TextSink(self)
        result = store_access(actor=ACTOR, store=store, email=email, sink=sink)
        counts = {table.table: table.rows for table in result.tables}
        if isinstance(sink, _JsonSink):
            sink.close({"store": result.store, "outcome": result.outcome, "rows": counts,
                        "failure": failure_as_dict(result.failure)})  # fmt: skip
        elif result.failure is None:
            self.stdout.write("")
            table = Table(self.stdout, [(_("Table"), 24), (_("Rows"), 8)])
            for name, rows in counts.items():
                table.row([name, str(rows)])
        if result.failure is not None:
            if not self._json:
                self.stderr.write(failure_text(result.failure))
            raise SystemExit(1)

    def _erase(self, store: ExternalStore, email: str) -> None:
        result = store_erase(actor=ACTOR, store=store, email=email)
        if self._json:
            self.stdout.write(json.dumps(erasure_as_dict(result), ensure_ascii=False))
        elif result.failure is not None:
            self.stdout.write(_("%(name)s: failed") % {"name": result.store})
            self.stdout.write(failure_text(result.failure))
            for place in result.failure.params.get("places", ()):
                self.stdout.write("  " + remains_text(place))
        else:
            table = Table(
                self.stdout,
                [(_("Table"), 18), (_("Action"), 10), (_("Found"), 7), (_("Erased"), 7),
                 (_("Anonymised"), 10), (_("Kept"), 6), (_("Kept because"), 40)],
            )  # fmt: skip
            for t in result.tables:
                reasons = [keep_text(t.keep)] if t.keep else []
                reasons += [f"{k.column}: {keep_text(k.keep)}" for k in t.kept_columns]
                table.row([t.table, word(ACTIONS, t.action), str(t.found), str(t.erased),
                           str(t.anonymised), str(t.kept), "; ".join(reasons)])  # fmt: skip
            self.stdout.write(_("%(name)s: done") % {"name": result.store})
        if result.failure is not None:
            raise SystemExit(1)

    def _replay(self, store: ExternalStore, day: dt.date) -> None:
        since = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
        report = store_replay(actor=ACTOR, store=store, since=since)
        if self._json:
            self.stdout.write(json.dumps({
                "store": report.store, "restored_from": day.isoformat(), "lines": report.lines,
                "found": report.found, "erased": report.erased, "failures": report.failures,
            }, ensure_ascii=False))  # fmt: skip
        else:
            self.stdout.write(
                ngettext(
                    "%(name)s: %(count)s erasure in the ledger since %(day)s.",
                    "%(name)s: %(count)s erasures in the ledger since %(day)s.",
                    report.lines,
                )
                % {"name": report.store, "count": report.lines, "day": day.isoformat()}
            )
            self.stdout.write(
                ngettext(
                    "%(found)s person found again in the store, %(erased)s erased again.",
                    "%(found)s people found again in the store, %(erased)s erased again.",
                    report.found,
                )
                % {"found": report.found, "erased": report.erased}
            )
            for code, count in sorted(report.failures.items()):
                self.stdout.write(
                    ngettext(
                        "%(count)s person not erased: %(reason)s",
                        "%(count)s people not erased: %(reason)s",
                        count,
                    )
                    % {
                        "count": count,
                        "reason": failure_text(Failure(code, report.failure_params.get(code, {}))),
                    }
                )
        if report.failures:
            raise SystemExit(1)
