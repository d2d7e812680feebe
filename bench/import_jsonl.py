"""`omni-privacy import` benchmark (issue 18 point 4): holdings per second of a JSON Lines file.

    .venv/bin/python bench/import_jsonl.py --rows 200000
    .venv/bin/python bench/import_jsonl.py --rows 100000 --sqlite /tmp/bench_sqlite/i.sqlite3

Writes a file of ``--rows`` sales and customer-service holdings (fictional people on
example.com, 100 organisations) into a temporary directory, imports it into a fresh database
through registry.importer.jsonl_import (every check, the collection gate, then the set-based
apply), and prints the holdings per second of the whole import and the process's peak memory.
Then imports the same file again (every holding refreshed, none created). Target: >= 20,000
holdings per second on PostgreSQL. The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import (
    DEFAULT_PG_URL,
    Target,
    create_database,
    drop_database,
    peak_rss_mib,
    per_second,
    setup_django,
    stopwatch,
)

TARGET = 20_000
ORGANISATIONS = 100


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="holdings in the file")
    parser.add_argument("--database-url", default=DEFAULT_PG_URL, help="PostgreSQL (dropped!)")
    parser.add_argument("--sqlite", metavar="PATH", help="run on this SQLite file instead")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the first import into FILE")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    return args


def _write(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for k in range(ORGANISATIONS):
            line = {
                "type": "organization", "id": f"org-{k}", "name": f"Organisation {k}",
                "subscriptions": [{"start": "2022-01-01", "end": None}],
            }  # fmt: skip
            out.write(json.dumps(line) + "\n")
        for g in range(rows):
            sales = g % 2 == 0
            line = {
                "type": "holding",
                "source": "sales" if sales else "customer_service",
                "organization": f"org-{g % ORGANISATIONS}",
                "person": {
                    "full_name": f"Person {g}", "email": f"p{g}@example.com",
                    "phone": f"+1 514 555 {g % 10000:04d}", "preferred_language": "fr",
                },
                "purpose": "sales_information" if sales else "service_obligations",
                "legal_basis": "consent" if sales else "contract",
                "channel": "email", "collected_at": "2026-03-01",
            }  # fmt: skip
            if sales:
                line["last_contact_at"] = "2026-03-01"
            out.write(json.dumps(line) + "\n")


def run(args: argparse.Namespace) -> dict[str, Any]:
    target = Target.from_args(args.database_url, args.sqlite)
    work = Path(tempfile.mkdtemp(prefix="omni-bench-import-"))
    setup_django(target, var_dir=work, chunk=None)
    from django.core.management import call_command

    from omni_privacy.registry.importer import jsonl_import
    from omni_privacy.registry.models import Holding

    path = work / "holdings.jsonl"
    _write(path, args.rows)
    create_database(target)
    call_command("migrate", verbosity=0, interactive=False)
    as_of = dt.date(2026, 11, 25)
    figures: dict[str, Any] = {"vendor": target.vendor, "rows": args.rows}
    try:
        profiler = cProfile.Profile() if args.profile else None
        with stopwatch() as first:
            if profiler is not None:
                profiler.enable()
            report = jsonl_import(actor="bench", path=path, as_of=as_of)
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(args.profile)
        assert report.holdings_recorded == args.rows, report
        figures["first"] = {
            "seconds": round(first.seconds, 2),
            "per_second": round(per_second(args.rows, first.seconds)),
        }
        with stopwatch() as again:
            report = jsonl_import(actor="bench", path=path, as_of=as_of)
        assert report.holdings_updated == args.rows, report
        assert Holding.objects.count() == args.rows
        figures["again"] = {
            "seconds": round(again.seconds, 2),
            "per_second": round(per_second(args.rows, again.seconds)),
        }
        figures["peak_rss_mib"] = round(peak_rss_mib(), 1)
        figures["target"] = TARGET
        figures["met"] = figures["first"]["per_second"] >= TARGET
    finally:
        if not args.keep:
            drop_database(target)
    return figures


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    figures = run(args)
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
        return 0
    print(
        f"{figures['vendor']}: import of {figures['rows']:,} holdings: "
        f"{figures['first']['per_second']:,}/s ({figures['first']['seconds']} s); "
        f"again (all refreshed): {figures['again']['per_second']:,}/s "
        f"({figures['again']['seconds']} s); peak {figures['peak_rss_mib']} MiB; "
        f"target >= {TARGET:,}/s: {'met' if figures['met'] else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
