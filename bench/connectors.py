"""Connector benchmark (issue 17): access and erasure in an external store, on PostgreSQL and
MariaDB, against the targets and against hand-written SQL.

    .venv/bin/python bench/connectors.py --subjects 5000 --repeat 5

Builds, in a database of its own on each server (dropped at the end), the ten-table customer
store of tests/stores/fixture.py with ``--subjects`` ordinary subjects (a customer, 2
addresses, 3 orders of 2 items and a payment each, 4 logins, a service request with its
report, 2 visits: 26 rows) and one heavy subject with 10,000 dependent rows (2,000 orders,
4,000 items, 2,000 payments, 2,000 logins). Times, with a warm connection pool, the median of
``--repeat`` runs of: access for an ordinary subject and for the heavy one (every row streamed
and read), erasure of each (one transaction, children first, set-based, with the re-query
that proves it: stores/erasure.py), and the floor: hand-written SQL for the same erasure of the
heavy subject (its id looked up, then one DELETE per table by that id and the UPDATE, no
proof). Each erasure of the heavy subject runs on freshly inserted rows. Targets: ordinary
access <= 25 ms, heavy access <= 250 ms, heavy erasure <= 100 ms and <= 1.5x the floor.
``--million`` also streams a subject with 1,000,000 logins and prints the peak Python memory.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from omni_privacy.policy.loader import SHIPPED_POLICY, load_policy_file  # noqa: E402
from omni_privacy.stores.access import CountingSink, access_rows  # noqa: E402
from omni_privacy.stores.connect import engine_for, reflect_schema  # noqa: E402
from omni_privacy.stores.domain.dataset import parse_dataset  # noqa: E402
from omni_privacy.stores.domain.plan import build_plan  # noqa: E402
from omni_privacy.stores.domain.results import Identity  # noqa: E402
from omni_privacy.stores.erasure import erase_person  # noqa: E402
from tests.stores import fixture as fx  # noqa: E402

HEAVY_ID = 10_000_000
ORDINARY_TARGET_MS, HEAVY_ACCESS_TARGET_MS, HEAVY_ERASE_TARGET_MS, FLOOR_RATIO = 25, 250, 100, 1.5

# Everything of the person deleted, the customer row anonymised: 10,000 rows go.
DATASET = (
    """
[tables.customers]
source = "sales"
[tables.customers.columns.email]
identifies = "email"
field = "email"
erase = "null"
[tables.customers.columns.full_name]
field = "full_name"
erase = "replace"
value = "Anonymised"
[tables.customers.columns.phone]
field = "phone"
erase = "null"
[tables.customers.columns.birth_date]
field = "birth_date"
erase = "replace"
generalise = "year"
"""
    + "".join(
        f'\n[tables.{name}]\nerase = "delete"\n'
        for name in (
            "addresses",
            "orders",
            "order_items",
            "payments",
            "logins",
            "visits",
            "reports",
        )
    )
    + """
[tables.service_requests]
erase = "delete"
source = "customer_service"
[tables.service_requests.columns.contact_email]
identifies = "email"
field = "email"
[tables.admins]
erase = "delete"
source = "software_profile"
[tables.admins.columns.email]
identifies = "email"
field = "email"
"""
)


def _email(n: int) -> str:
    return f"subject{n}@example.com"


class Ids:
    def __init__(self) -> None:
        self.next = dict.fromkeys(fx.TABLES, 1)

    def take(self, table: str, count: int) -> range:
        start = self.next[table]
        self.next[table] += count
        return range(start, start + count)


def _subject_rows(n: int, ids: Ids, *, orders: int, items: int, logins: int, extra: int,
                  ) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    day = fx.dt.date(2025, 3, 14)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in fx.TABLES}
    rows["customers"].append({"id": n, "email": _email(n), "full_name": f"Subject {n}",
                              "phone": "+15145550100", "preferred_language": "fr",
                              "birth_date": fx.dt.date(1980, 5, 17)})  # fmt: skip
    for a in ids.take("addresses", extra):
        rows["addresses"].append({"id": a, "customer_id": n, "street": "1 rue", "city": "Laval"})
    order_ids = ids.take("orders", orders)
    for o in order_ids:
        rows["orders"].append({"id": o, "customer_id": n, "placed_on": day, "total_cents": 100})
        rows["payments"].append({"id": ids.take("payments", 1)[0], "order_id": o,
                                 "amount_cents": 100, "billing_email": None})  # fmt: skip
        for i in ids.take("order_items", items):
            rows["order_items"].append({"id": i, "order_id": o, "product": "licence",
                                        "quantity": 1})  # fmt: skip
    for g in ids.take("logins", logins):
        rows["logins"].append({"id": g, "customer_id": n, "logged_on": day})
    for r in ids.take("service_requests", 1):
        rows["service_requests"].append({"id": r, "customer_id": n, "contact_email": _email(n),
                                         "subject": "help"})  # fmt: skip
        rows["reports"].append({"id": ids.take("reports", 1)[0], "service_request_id": r,
                                "body": "answered"})  # fmt: skip
    for v in ids.take("visits", extra):
        rows["visits"].append({"id": v, "customer_id": n, "visited_on": day})
    return rows


def _insert(engine: sa.Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    with engine.begin() as connection:
        for table in fx.metadata.sorted_tables:
            if rows.get(table.name):
                connection.execute(table.insert(), rows[table.name])


def _merge(into: dict[str, list[dict[str, Any]]], more: dict[str, list[dict[str, Any]]]) -> None:
    for name, rows in more.items():
        into.setdefault(name, []).extend(rows)


def build(engine: sa.Engine, subjects: int, ids: Ids) -> None:
    fx.create(engine)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # the index docs/stores.md recommends
            for table, column in (("customers", "email"), ("service_requests", "contact_email"),
                                  ("admins", "email")):  # fmt: skip
                ddl = f"CREATE INDEX {table}_{column}_lower ON {table} (lower({column}))"
                connection.execute(sa.text(ddl))
    batch: dict[str, list[dict[str, Any]]] = {}
    for n in range(1, subjects + 1):
        _merge(batch, _subject_rows(n, ids, orders=3, items=2, logins=4, extra=2))
        if n % 1000 == 0:
            _insert(engine, batch)
            batch = {}
    _insert(engine, batch)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE"))
        else:
            for name in fx.TABLES:
                connection.execute(sa.text(f"ANALYZE TABLE {name}"))


def load_heavy(engine: sa.Engine, ids: Ids) -> None:
    with engine.begin() as connection:  # the row an erasure left anonymised
        connection.execute(sa.delete(fx.customers).where(fx.customers.c.id == HEAVY_ID))
    _insert(engine, _subject_rows(HEAVY_ID, ids, orders=2000, items=2, logins=2000, extra=0))


def floor_erase(engine: sa.Engine, email: str) -> None:
    """The same erasure as hand-written SQL: the id, then one statement per table by it."""
    dialect = engine.dialect.name
    match = "email = %s" if dialect == "mysql" else "lower(email) = %s"
    contact = match.replace("email", "contact_email")
    orders = "SELECT id FROM orders WHERE customer_id = %s"
    year = ("MAKEDATE(YEAR(birth_date), 1)" if dialect == "mysql"
            else "CAST(date_trunc('year', birth_date) AS DATE)")  # fmt: skip
    requests = "SELECT id FROM service_requests WHERE customer_id = %s OR " + contact
    with engine.begin() as connection:
        cursor = connection.connection.cursor()
        cursor.execute(f"SELECT id FROM customers WHERE {match}", (email,))
        (cid,) = cursor.fetchone()
        for statement, params in (
            (f"DELETE FROM order_items WHERE order_id IN ({orders})", (cid,)),
            (f"DELETE FROM payments WHERE order_id IN ({orders})", (cid,)),
            ("DELETE FROM orders WHERE customer_id = %s", (cid,)),
            ("DELETE FROM logins WHERE customer_id = %s", (cid,)),
            ("DELETE FROM addresses WHERE customer_id = %s", (cid,)),
            ("DELETE FROM visits WHERE customer_id = %s", (cid,)),
            (f"DELETE FROM reports WHERE service_request_id IN ({requests})", (cid, email)),
            ("DELETE FROM service_requests WHERE customer_id = %s OR " + contact, (cid, email)),
            (f"DELETE FROM admins WHERE {match}", (email,)),
            (("UPDATE customers SET email = NULL, phone = NULL, full_name = 'Anonymised', "
              f"birth_date = {year} WHERE id = %s"), (cid,)),
        ):  # fmt: skip
            if dialect == "mysql" and statement.startswith("DELETE FROM "):
                # MariaDB's fast form (a semi-join), as stores/erasure.py writes it too.
                table = statement.split()[2]
                sql = f"DELETE {table} FROM {table}" + statement[len("DELETE FROM ") + len(table) :]
            else:
                sql = statement
            cursor.execute(sql, params)


def _ms(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def _median(values: list[float]) -> float:
    return statistics.median(values)


def bench(dialect: str, url: str, args: argparse.Namespace) -> dict[str, float]:
    engine = engine_for(dialect, url)
    ids = Ids()
    started = time.perf_counter()
    build(engine, args.subjects, ids)
    built = time.perf_counter() - started
    policy = load_policy_file(SHIPPED_POLICY)
    dataset, _problems = parse_dataset(DATASET, policy=policy)
    assert dataset is not None
    schema = reflect_schema(engine)
    plan, problems = build_plan(dataset, schema)
    assert plan is not None
    assert not problems, problems

    def access(email: str) -> int:
        found = access_rows(engine, dataset=dataset, plan=plan, schema=schema,
                            identity=Identity(email=email), sink=CountingSink())  # fmt: skip
        return sum(t.rows for t in found)

    def erase(email: str) -> int:
        result = erase_person(engine, store="bench", dataset=dataset, plan=plan, schema=schema,
                              identity=Identity(email=email))  # fmt: skip
        assert result.outcome == "done", result.failure
        return sum(t.found for t in result.tables)

    load_heavy(engine, ids)
    assert access(_email(HEAVY_ID)) == 10_003, access(_email(HEAVY_ID))
    access(_email(1))  # warm the pool and the caches
    figures: dict[str, list[float]] = {k: [] for k in
                                       ("ordinary_access", "heavy_access", "ordinary_erase",
                                        "heavy_erase", "floor_erase")}  # fmt: skip
    for rep in range(args.repeat):
        figures["ordinary_access"].append(_ms(lambda rep=rep: access(_email(2 + rep))))
        figures["heavy_access"].append(_ms(lambda: access(_email(HEAVY_ID))))
        figures["ordinary_erase"].append(_ms(lambda rep=rep: erase(_email(100 + rep))))
        figures["heavy_erase"].append(_ms(lambda: erase(_email(HEAVY_ID))))
        load_heavy(engine, ids)
        figures["floor_erase"].append(_ms(lambda: floor_erase(engine, _email(HEAVY_ID))))
        load_heavy(engine, ids)
    result = {name: _median(values) for name, values in figures.items()}
    result["build_seconds"] = built
    if args.million:
        _insert(engine, {**{n: [] for n in fx.TABLES}, "logins": [
            {"id": g, "customer_id": 1, "logged_on": fx.dt.date(2025, 1, 1)}
            for g in ids.take("logins", 1_000_000)]})  # fmt: skip
        tracemalloc.start()
        seconds = _ms(lambda: access(_email(1))) / 1000
        result["million_access_seconds"] = seconds
        result["million_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    engine.dispose()
    return result


def _postgres(name: str) -> tuple[str, Callable[[], None]]:
    import psycopg

    admin = psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres",
                            autocommit=True)  # fmt: skip
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return f"postgresql://postgres@127.0.0.1:5432/{name}", drop


def _mariadb(name: str) -> tuple[str, Callable[[], None]]:
    import pymysql

    admin = pymysql.connect(host="127.0.0.1", user="root", autocommit=True)
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")

    def drop() -> None:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()

    return f"mysql://root@127.0.0.1:3306/{name}", drop


def _verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=("postgresql", "mysql"))
    parser.add_argument("--million", action="store_true", help="also a 1,000,000-row subject")
    args = parser.parse_args(argv)
    missed = 0
    for dialect, make in (("postgresql", _postgres), ("mysql", _mariadb)):
        if args.only and dialect != args.only:
            continue
        url, drop = make(f"omni_bench_connectors_{secrets.token_hex(3)}")
        try:
            r = bench(dialect, url, args)
        finally:
            drop()
        ratio = r["heavy_erase"] / r["floor_erase"]
        rows = [
            ("access, ordinary subject (26 rows)", r["ordinary_access"], ORDINARY_TARGET_MS),
            ("access, heavy subject (10,003 rows)", r["heavy_access"], HEAVY_ACCESS_TARGET_MS),
            ("erasure, ordinary subject", r["ordinary_erase"], None),
            ("erasure, heavy subject", r["heavy_erase"], HEAVY_ERASE_TARGET_MS),
            ("floor: hand-written SQL erasure, heavy", r["floor_erase"], None),
        ]
        print(f"\n{dialect}: {args.subjects} subjects, median of {args.repeat} "
              f"(built in {r['build_seconds']:.1f} s)")  # fmt: skip
        for label, value, target in rows:
            verdict = f"target <= {target} ms: {_verdict(value, target)}" if target else ""
            missed += int(bool(target) and value > (target or 0))
            print(f"  {label:<42} {value:8.1f} ms  {verdict}")
        print(f"  {'erasure / floor':<42} {ratio:8.2f} x   target <= {FLOOR_RATIO}: "
              f"{_verdict(ratio, FLOOR_RATIO)}")  # fmt: skip
        missed += int(ratio > FLOOR_RATIO)
        if "million_peak_mib" in r:
            print(f"  {'access, 1,000,000 rows':<42} {r['million_access_seconds']:8.1f} s   "
                  f"peak Python memory {r['million_peak_mib']:.1f} MiB")  # fmt: skip
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
