"""Load figures (issue 18 point 5): throughput and latency of the pages people use, against a
real `omni-privacy serve` on a registry of many holdings, and the person look-up.

    .venv/bin/python bench/load.py --rows 1000000
    .venv/bin/python bench/load.py --rows 10000000 --only lookup

Builds a fresh PostgreSQL registry of ``--rows`` holdings (bench/_registry.py, set-based), the
published notice, one privacy officer with a signed-in session and an API token, then starts
`omni-privacy serve` (gunicorn, ``--workers``) on loopback and drives it with wrk (Debian's
`wrk` package: ``apt-get install wrk``; loopback only, bounded by ``--seconds``). Each URL gets
``--connections`` connections on 2 threads; wrk's own latency distribution gives p50 and p99.

The load generator runs on the same 2 cores as the server: the figures are a floor.

The person look-up is timed in this process: ``--lookups`` random people found by their email
digest (what every look-up by address does), with their live holdings, one query each.

Targets (docs/benchmarks.md): public pages >= 1,000 requests/s with p99 < 50 ms; console list
pages and the person page p99 < 150 ms with 1,000,000 holdings; look-up p99 < 10 ms among
10,000,000 holdings. The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, Target, create_database, drop_database, setup_django, stopwatch

PUBLIC_RPS = 1000
PUBLIC_P99_MS = 50
CONSOLE_P99_MS = 150
LOOKUP_P99_MS = 10

# A rights request per wrk request: a fresh address and visitor each time (the limits are per
# address and per visitor; OMNI_TRUSTED_PROXIES makes the forwarded address the visitor's).
RIGHTS_LUA = """
counter = 0
request = function()
  counter = counter + 1
  local n = math.random(1, 1000000000)
  local body = "kind=access&email=load" .. n .. "%40example.com&jurisdiction=quebec" ..
    "&details=&website=&form_token=" .. FORM_TOKEN
  local headers = {}
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) ..
    "." .. math.random(1, 254)
  return wrk.format("POST", nil, headers, body)
end
"""


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="holdings to build")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per URL")
    parser.add_argument(
        "--warmup", type=int, default=2, help="seconds of wrk before each measured run (0: none)"
    )
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, help="threads per worker (serve's default)")
    parser.add_argument("--urls", help="measure only the URLs whose name contains this")
    parser.add_argument("--lookups", type=int, default=2000, help="timed person look-ups")
    parser.add_argument(
        "--warm-lookups", type=int, default=2000, help="untimed look-ups of others first"
    )
    parser.add_argument("--only", choices=("load", "lookup"), help="one phase only")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/omni_bench_load",
        help="PostgreSQL (dropped!)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    if args.only != "lookup" and shutil.which("wrk") is None:
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    return args


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def _wrk(url: str, args: argparse.Namespace, *, headers: dict[str, str], script: str = "") -> dict:
    threads = min(2, args.connections)  # wrk refuses more threads than connections
    command = ["wrk", f"-t{threads}", f"-c{args.connections}", f"-d{args.seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    script_file = None
    if script:
        script_file = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
        script_file.write(script)
        script_file.close()
        command += ["-s", script_file.name]
    if args.warmup:
        # Steady state: the workers' first requests (imports, templates, connections) and a
        # page's first rendering are not what a visitor meets once the service runs.
        warm = [part if not part.startswith("-d") else f"-d{args.warmup}s" for part in command]
        subprocess.run([*warm, url], capture_output=True, text=True, check=True)
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if script_file:
        os.unlink(script_file.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {
        "requests": total,
        "per_second": round(rate),
        "p50_ms": round(p50, 1),
        "p99_ms": round(p99, 1),
        "not_2xx_3xx": int(bad.group(1)) if bad else 0,
    }


def _prepare() -> dict[str, str]:
    """The notice, an officer with a session, an API token and one request it submitted."""
    from django.conf import settings
    from django.db.models import Value
    from django.db.models.functions import Coalesce
    from django.test import Client

    from omni_privacy.accounts.models import Team
    from omni_privacy.accounts.services import staff_create
    from omni_privacy.accounts.tokens import api_token_create
    from omni_privacy.registry.models import LIVE_STATES, Holding, Person

    officer = staff_create(
        actor="bench", username="bench-officer", team=Team.PRIVACY_OFFICE,
        password="Bench only: a long passphrase 7f3a!",
    )  # fmt: skip
    client = Client()
    client.force_login(officer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    _token_row, token = api_token_create(user=officer, actor="bench", name="bench")
    answer = client.post(
        "/api/v1/data-rights-request",
        data=json.dumps(
            {"exercise": ["access"], "identity": {"email": "bench@example.com"}, "regime": "quebec"}
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    if answer.status_code != 201:
        raise SystemExit(f"could not create the API request: {answer.status_code} {answer.content}")
    person = Person.objects.order_by("id").values_list("public_id", flat=True)[
        Person.objects.count() // 2
    ]
    # The holding just before the last page in name order: the deep page's "after" anchor.
    deep = (
        Holding.objects.filter(state__in=LIVE_STATES)
        .order_by(Coalesce("full_name", Value("")).desc(), "-id")
        .values_list("public_id", flat=True)[50]
    )
    form = Client().get("/fr/droits/").content.decode()
    form_token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    return {
        "session": f"{settings.SESSION_COOKIE_NAME}={session}",
        "token": token,
        "request_id": answer.json()["request_id"],
        "person": str(person),
        "deep": str(deep),
        "form_token": form_token,
    }


def _serve(
    target: Target, port: int, workers: int, threads: int | None, var_dir: Path
) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        {
            "OMNI_DATABASE_URL": target.url,
            "OMNI_VAR_DIR": str(var_dir),
            "OMNI_DEBUG": "0",
            "OMNI_LOG_LEVEL": "WARNING",
            "OMNI_TRUSTED_PROXIES": "127.0.0.1",
            "OMNI_DB_CONN_MAX_AGE": "60",
        }
    )
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/omni-privacy"), "serve", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers),
         *(["--threads", str(threads)] if threads else [])],
        env=env, stdout=subprocess.DEVNULL, stderr=(var_dir / "serve.log").open("wb"),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    log = (var_dir / "serve.log").read_text(errors="replace")[-2000:]
    raise SystemExit("omni-privacy serve did not start: " + log)


def _load(target: Target, args: argparse.Namespace, var_dir: Path) -> dict[str, Any]:
    seeds = _prepare()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(target, port, args.workers, args.threads, var_dir)
    console = {"Cookie": seeds["session"]}
    pages = args.rows // 50
    figures: dict[str, Any] = {}
    try:
        runs = [
            ("privacy_centre", "/fr/", {}, "", "public"),
            ("notice", "/fr/avis-de-confidentialite", {}, "", "public"),
            ("rights_form", "/fr/droits/", {}, "", "public"),
            ("rights_submit", "/fr/droits/", {},
             RIGHTS_LUA.replace("FORM_TOKEN", json.dumps(seeds["form_token"])), "public"),
            ("console_registry_first", "/console/", console, "", "console"),
            ("console_registry_deep", f"/console/?after={seeds['deep']}&page={pages}", console, "",
             "console"),
            ("console_person", f"/console/people/{seeds['person']}/", console, "", "console"),
            ("console_requests", "/console/requests/", console, "", "console"),
            ("api_status", f"/api/v1/data-rights-request/{seeds['request_id']}",
             {"Authorization": f"Bearer {seeds['token']}"}, "", "api"),
        ]  # fmt: skip
        for name, path, headers, script, kind in runs:
            if args.urls and args.urls not in name:
                continue
            result = _wrk(base + path, args, headers=headers, script=script)
            if kind == "public":
                result["target"] = f">= {PUBLIC_RPS}/s, p99 < {PUBLIC_P99_MS} ms"
                result["met"] = (
                    result["per_second"] >= PUBLIC_RPS and result["p99_ms"] < PUBLIC_P99_MS
                )
            elif kind == "console":
                result["target"] = f"p99 < {CONSOLE_P99_MS} ms"
                result["met"] = result["p99_ms"] < CONSOLE_P99_MS
            if result["requests"] == 0 or server.poll() is not None:
                log = (var_dir / "serve.log").read_text(errors="replace")[-3000:]
                raise SystemExit(f"{name}: no answer from the server; its log ends:\n{log}")
            figures[name] = result
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return figures


def _lookup(args: argparse.Namespace) -> dict[str, Any]:
    """Find people by the digest of their address with their live holdings (one query)."""
    from django.db import connection

    from omni_privacy.registry.models import LIVE_STATES, Holding, Person

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM registry_person")
        highest = cursor.fetchone()[0]

    rng = random.Random(1)
    # The first look-ups of a freshly built database read its indexes from disk; a server
    # in service has them in memory. Other people are looked up first, untimed.
    warm = [rng.randint(1, highest) for _ in range(args.warm_lookups)]
    ids = [rng.randint(1, highest) for _ in range(args.lookups)]
    digests = dict(Person.objects.filter(id__in=warm + ids).values_list("id", "email_digest"))
    times = []
    found = 0
    for number, person_id in enumerate(warm + ids):
        digest = digests.get(person_id)
        if digest is None:
            continue
        if number < len(warm):
            list(Holding.objects.filter(person__email_digest=digest, state__in=LIVE_STATES))
            continue
        started = time.perf_counter()
        rows = list(
            Holding.objects.filter(person__email_digest=digest, state__in=LIVE_STATES)
            .select_related("organization")
            .order_by("source", "id")
        )
        times.append((time.perf_counter() - started) * 1000)
        found += bool(rows)
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1]
    return {
        "lookups": len(times),
        "found": found,
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(p99, 2),
        "target": f"p99 < {LOOKUP_P99_MS} ms",
        "met": p99 < LOOKUP_P99_MS,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    target = Target.from_args(args.database_url, None)
    var_dir = Path(tempfile.mkdtemp(prefix="omni-bench-load-"))
    (var_dir / "static").mkdir()
    setup_django(target, var_dir=var_dir, chunk=None)

    import datetime as dt

    from _registry import Spec, build
    from django.core.management import call_command

    from omni_privacy.core import clock
    from omni_privacy.notices.shipped import shipped_notice_publish

    create_database(target)
    call_command("migrate", verbosity=0, interactive=False)
    # Published before anyone is in the registry: publishing a notice mails every person.
    shipped_notice_publish(actor="bench", at=clock.now())
    spec = Spec(rows=args.rows, due=0.0, as_of=dt.date(2026, 11, 25), seed=1)
    with stopwatch() as built:
        build(spec)
    figures: dict[str, Any] = {
        "rows": args.rows,
        "build_seconds": round(built.seconds, 1),
        "connections": args.connections,
        "workers": args.workers,
        "seconds_per_url": args.seconds,
    }
    try:
        if args.only != "load":
            figures["lookup"] = _lookup(args)
        if args.only != "lookup":
            figures["load"] = _load(target, args, var_dir)
    finally:
        if not args.keep:
            drop_database(target)
            shutil.rmtree(var_dir, ignore_errors=True)
    return figures


def _print(figures: dict[str, Any]) -> None:
    print(
        f"{figures['rows']:,} holdings (built in {figures['build_seconds']} s); "
        f"wrk -t2 -c{figures['connections']} -d{figures['seconds_per_url']}s, "
        f"gunicorn {figures['workers']} workers"
    )
    for name, row in figures.get("load", {}).items():
        met = "" if "met" not in row else ("  met" if row["met"] else "  MISSED")
        print(
            f"  {name:<24} {row['per_second']:>6}/s  p50 {row['p50_ms']:>7} ms  "
            f"p99 {row['p99_ms']:>7} ms  non-2xx {row['not_2xx_3xx']:>6}  "
            f"{row.get('target', '')}{met}"
        )
    if "lookup" in figures:
        row = figures["lookup"]
        print(
            f"  person look-up           {row['lookups']} look-ups  p50 {row['p50_ms']} ms  "
            f"p99 {row['p99_ms']} ms  {row['target']}  {'met' if row['met'] else 'MISSED'}"
        )


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    figures = run(args)
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
    else:
        _print(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
