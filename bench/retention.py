"""Retention sweep benchmark (issue 3): plan, sweep and the hand-written SQL floor.

    .venv/bin/python bench/retention.py --rows 1000000 --due 0.1
    .venv/bin/python bench/retention.py --rows 200000 --due 0.1 --sqlite /tmp/bench_sqlite/r.sqlite3

Builds a fresh registry of ``--rows`` holdings (set-based SQL, bench/_registry.py) of which
``--due`` are due on ``--as-of``, copies the database, then times on the first:
  plan   retention.due.holdings_due(as_of, horizon_days=None), fully consumed;
  sweep  retention.services.retention_run(actor="bench", as_of=...);
and on the copy the floor (bench/_floor.py: the same work in minimal SQL). Both databases must
end in the same state (checked and printed). Targets: sweep/floor <= 1.5 and, on PostgreSQL,
>= 100,000 due holdings per second. The databases (and the ledger directory) are dropped at
the end unless --keep. Figures and how to rerun them: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import (
    DEFAULT_PG_URL,
    Target,
    copy_database,
    create_database,
    drop_database,
    peak_rss_mib,
    per_second,
    settle,
    setup_django,
    stopwatch,
    use_database,
)

RATIO_TARGET = 1.5
RATE_TARGET = 100_000


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="holdings to build")
    parser.add_argument("--due", type=float, default=0.1, help="fraction due on --as-of")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 25))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=None, help="OMNI_RETENTION_CHUNK")
    parser.add_argument("--database-url", default=DEFAULT_PG_URL, help="PostgreSQL (dropped!)")
    parser.add_argument("--sqlite", metavar="PATH", help="run on this SQLite file instead")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the databases and ledgers")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the sweep into FILE")
    args = parser.parse_args(argv)
    if args.rows < 1 or not 0 <= args.due <= 1:
        parser.error("--rows must be positive and --due between 0 and 1")
    return args


def _phase(count: int, seconds: float) -> dict[str, Any]:
    return {
        "rows": count,
        "seconds": round(seconds, 3),
        "per_second": round(per_second(count, seconds)),
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def _sweep(as_of: dt.date, profile: str | None) -> tuple[Any, float]:
    from omni_privacy.retention.services import retention_run

    profiler = cProfile.Profile() if profile else None
    with stopwatch() as lap:
        if profiler:
            profiler.enable()
        report = retention_run(actor="bench", as_of=as_of)
        if profiler:
            profiler.disable()
    if profiler and profile:
        profiler.dump_stats(profile)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    return report, lap.seconds


def run(args: argparse.Namespace) -> dict[str, Any]:
    target = Target.from_args(args.database_url, args.sqlite)
    floor_target = target.sibling("floor")
    var_dir = Path(tempfile.mkdtemp(prefix="omni-bench-retention-"))
    setup_django(target, var_dir=var_dir, chunk=args.chunk)

    from _floor import Floor
    from _registry import Spec, build, due_count
    from _state import differences, snapshot
    from django.conf import settings
    from django.core.management import call_command

    from omni_privacy.retention import ledger
    from omni_privacy.retention.due import holdings_due

    spec = Spec(rows=args.rows, due=args.due, as_of=args.as_of, seed=args.seed)
    due = due_count(spec)
    create_database(target)
    call_command("migrate", verbosity=0, interactive=False)
    with stopwatch() as built:
        build(spec)
    figures: dict[str, Any] = {
        "vendor": target.vendor,
        "database": target.name,
        "rows": spec.rows,
        "due": due,
        "as_of": spec.as_of.isoformat(),
        "chunk": int(settings.OMNI_RETENTION_CHUNK),
        "build": _phase(spec.rows, built.seconds),
    }
    copy_database(target, floor_target)
    use_database(target)

    settle()
    with stopwatch() as planned:
        listed = sum(1 for _row in holdings_due(as_of=spec.as_of, horizon_days=None))
    figures["plan"] = _phase(listed, planned.seconds)

    settle()
    report, swept = _sweep(spec.as_of, args.profile)
    figures["sweep"] = _phase(report.processed, swept) | {"people_erased": report.people_erased}
    sweep_state = snapshot(ledger=ledger.ledger_path())

    use_database(floor_target)
    floor_ledger = var_dir / "floor-ledger.jsonl"
    floor = Floor(as_of=spec.as_of, chunk=figures["chunk"], ledger=floor_ledger, actor="bench")
    settle()
    with stopwatch() as floored:
        result = floor.run()
    figures["floor"] = _phase(result.processed, floored.seconds) | {
        "people_erased": result.people_erased
    }
    floor_state = snapshot(ledger=floor_ledger)

    figures["ratio"] = round(swept / floored.seconds, 3) if floored.seconds else None
    figures["peak_rss_mib"] = round(peak_rss_mib(), 1)
    figures["state"] = sweep_state
    figures["state_differences"] = differences(sweep_state, floor_state)
    figures["state_match"] = not figures["state_differences"]
    figures["targets"] = {
        "ratio_met": figures["ratio"] is not None and figures["ratio"] <= RATIO_TARGET,
        "rate_met": figures["sweep"]["per_second"] >= RATE_TARGET,
    }
    if not args.keep:
        drop_database(floor_target)
        drop_database(target)
        shutil.rmtree(var_dir, ignore_errors=True)
    else:
        figures["var_dir"] = str(var_dir)
    return figures


def _table(f: dict[str, Any]) -> str:
    lines = [
        (
            f"retention benchmark: {f['vendor']} ({f['database']}), {f['rows']:,} holdings, "
            f"{f['due']:,} due on {f['as_of']}, chunk {f['chunk']:,}"
        ),
        "",
        f"{'phase':<7}{'rows':>12}{'seconds':>10}{'rows/s':>12}{'peak RSS':>12}",
    ]
    for name in ("build", "plan", "sweep", "floor"):
        p = f[name]
        lines.append(
            f"{name:<7}{p['rows']:>12,}{p['seconds']:>10.2f}{p['per_second']:>12,}"
            f"{p['peak_rss_mib']:>8.0f} MiB"
        )
    ratio = f["ratio"]
    lines += [
        "",
        (
            f"ratio sweep/floor: {ratio:.2f} (target <= {RATIO_TARGET}: "
            f"{'met' if f['targets']['ratio_met'] else 'MISSED'})"
        ),
        (
            f"sweep: {f['sweep']['per_second']:,} due holdings/s (target >= {RATE_TARGET:,} on "
            f"PostgreSQL: {'met' if f['targets']['rate_met'] else 'MISSED'})"
        ),
        (
            f"people erased: sweep {f['sweep']['people_erased']:,}, "
            f"floor {f['floor']['people_erased']:,}"
        ),
    ]
    by_state = ", ".join(f"{s} {v['count']:,}" for s, v in f["state"]["holdings"].items())
    verdict = "identical" if f["state_match"] else "DIFFERENT"
    lines.append(f"end state: {verdict} (holdings {by_state}; people "
                 f"{f['state']['people']['count']:,}; audit chain "
                 f"{'intact' if f['state']['audit_chain']['intact'] else 'BROKEN'})")  # fmt: skip
    lines += [f"  {difference}" for difference in f["state_differences"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    figures = run(args)
    print(json.dumps(figures, indent=2) if args.json else _table(figures))
    return 0 if figures["state_match"] else 1


if __name__ == "__main__":
    sys.exit(main())
