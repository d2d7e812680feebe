"""The issue's test: take a copy of the database, erase, restore the copy, replay: nothing erased
comes back.

Real processes on a real database, as an operator would do it: `omni-privacy migrate`, the
scenario (tests/retention/scenario.py) built through `omni-privacy shell`, then `omni-privacy
retention run`, a restore of the copy, `omni-privacy retention replay`. On a SQLite file (the
copy and the restore through SQLite's backup API) on every run of the suite; on a scratch
PostgreSQL database (copy and restore with CREATE DATABASE ... TEMPLATE) on the PostgreSQL run.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, Protocol

import pytest

from tests.retention.scan import scan_cursor
from tests.retention.scenario import AS_OF, COUNTS, ERASED, ONDINE

ROOT = Path(__file__).resolve().parents[2]
DIGEST_KEY = "test-only-digest-key-for-restore-tests"
LIVE_HOLDINGS = (
    "SELECT full_name FROM registry_holding WHERE state IN ('active', 'pending_deletion')"
)


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("omni-privacy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "omni_privacy"]


class Site(Protocol):
    url: str

    def snapshot(self) -> None: ...
    def restore(self) -> None: ...
    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...
    def scan(self, needles: set[str]) -> set[tuple[str, str]]: ...


class SqliteSite:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "db.sqlite3"
        self.copy = directory / "copy.sqlite3"
        self.url = f"sqlite:///{self.path}"

    @staticmethod
    def _backup(source: Path, target: Path) -> None:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)

    def snapshot(self) -> None:
        self._backup(self.path, self.copy)

    def restore(self) -> None:
        self._backup(self.copy, self.path)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(self.path)) as db:
            return db.execute(sql).fetchall()

    def scan(self, needles: set[str]) -> set[tuple[str, str]]:
        with closing(sqlite3.connect(self.path)) as db:
            tables = [
                name
                for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            return scan_cursor(db.cursor(), tables, needles, lambda name: f'"{name}"')


class PostgresSite:
    """A scratch database beside the suite's own (``<name>_restore``, ``<name>_restore_copy``)."""

    def __init__(self) -> None:
        import dj_database_url

        config = dj_database_url.parse(os.environ["OMNI_DATABASE_URL"])
        self.name = f"{config['NAME']}_restore"
        self.copy = f"{self.name}_copy"
        self.server = {
            "host": config["HOST"] or "127.0.0.1",
            "port": config["PORT"] or 5432,
            "user": config["USER"],
            "password": config["PASSWORD"] or None,
        }
        auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
        self.url = f"postgres://{auth}@{self.server['host']}:{self.server['port']}/{self.name}"

    def _connect(self, dbname: str) -> Any:
        import psycopg

        return psycopg.connect(dbname=dbname, autocommit=True, **self.server)

    def _admin(self, *statements: str) -> None:
        with self._connect("postgres") as admin:
            for statement in statements:
                admin.execute(statement)

    def create(self) -> None:
        self.drop()
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._admin(
            f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
            f'DROP DATABASE IF EXISTS "{self.copy}" WITH (FORCE)',
        )

    def snapshot(self) -> None:
        self._admin(f'CREATE DATABASE "{self.copy}" TEMPLATE "{self.name}"')

    def restore(self) -> None:
        self._admin(
            f'DROP DATABASE "{self.name}" WITH (FORCE)',
            f'CREATE DATABASE "{self.name}" TEMPLATE "{self.copy}"',
        )

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with self._connect(self.name) as db:
            return db.execute(sql).fetchall()

    def scan(self, needles: set[str]) -> set[tuple[str, str]]:
        with self._connect(self.name) as db:
            tables = [
                name
                for (name,) in db.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                )
            ]
            return scan_cursor(db.cursor(), tables, needles, lambda name: f'"{name}"')


def _env(site: Site, directory: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("OMNI_TASK_BACKEND", None)
    env.update(
        OMNI_DATABASE_URL=site.url,
        OMNI_VAR_DIR=str(directory / "var"),
        OMNI_SECRET_KEY="test-only-secret-key-for-subprocesses",
        OMNI_DIGEST_KEY=DIGEST_KEY,
        OMNI_ERASURE_LEDGER=str(directory / "ledger" / "erasure-ledger.jsonl"),
        # `omni-privacy shell` imports the scenario from the tests package.
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env


def _omni(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*_cli(), *args],
        check=False,  # the assertion below shows the output
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _needles() -> set[str]:
    return set().union(*(who.needles(DIGEST_KEY) for who in ERASED))


def _counts(clauses: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
    """The receipt's clauses as {rule: {action: n}} (non-zero actions only)."""
    return {
        rule: {action: clause[action] for action in ("delete", "anonymize") if clause[action]}
        for rule, clause in clauses.items()
    }


def _live_names(site: Site) -> list[str]:
    return [name for (name,) in site.rows(LIVE_HOLDINGS)]


def erase_restore_replay(site: Site, directory: Path) -> None:
    env = _env(site, directory)
    ledger = directory / "ledger" / "erasure-ledger.jsonl"
    as_of = AS_OF.isoformat()
    _omni(env, "migrate", "--no-input", "-v", "0")
    _omni(env, "shell", "-c", "from tests.retention.scenario import populate; populate()")
    assert site.scan(_needles()) != set()
    site.snapshot()

    swept = json.loads(_omni(env, "retention", "run", "--as-of", as_of, "--json"))
    assert (swept["kind"], swept["processed"], swept["people_erased"]) == ("sweep", 4, 2)
    assert _counts(swept["clauses"]) == COUNTS
    assert site.scan(_needles()) == set()
    lines = ledger.read_bytes()
    # One chunk: four tombstones, then its commit mark.
    assert len(lines.splitlines()) == 5

    site.restore()
    # The copy brings every erased identifier back, and forgets the sweep ever ran.
    assert {needle for _table, needle in site.scan(_needles())} == _needles()
    assert site.rows("SELECT count(*) FROM retention_retentionrun") == [(0,)]

    replayed = json.loads(_omni(env, "retention", "replay", "--as-of", as_of, "--json"))
    assert (replayed["kind"], replayed["processed"], replayed["people_erased"]) == ("replay", 4, 2)

    assert site.scan(_needles()) == set()
    assert _live_names(site) == [ONDINE.full_name]
    assert site.rows("SELECT count(*) FROM registry_holding") == [(1,)]
    assert (
        site.rows("SELECT source, retention_rule FROM retention_anonymisedfact")
        == [("customer_service", "service_not_renewed")] * 2
    )
    assert site.rows("SELECT count(*) FROM registry_person") == [(1,)]
    assert site.rows("SELECT kind, status, processed FROM retention_retentionrun") == [
        ("replay", "finished", 4)
    ]
    assert ledger.read_bytes() == lines

    again = json.loads(_omni(env, "retention", "replay", "--as-of", as_of, "--json"))
    assert again["processed"] == 0
    _omni(env, "audit", "verify")


def test_sqlite_file_erase_restore_replay(tmp_path) -> None:
    erase_restore_replay(SqliteSite(tmp_path), tmp_path)


@pytest.fixture
def postgres_site() -> Iterator[PostgresSite]:
    site = PostgresSite()
    site.create()
    try:
        yield site
    finally:
        site.drop()


@pytest.mark.postgres_only
def test_postgresql_erase_restore_replay(postgres_site, tmp_path) -> None:
    erase_restore_replay(postgres_site, tmp_path)
