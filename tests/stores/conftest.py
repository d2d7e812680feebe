"""External stores for the connector tests: a fresh database of their own on the PostgreSQL
and MariaDB servers of the machine (created and dropped here, apart from Django's test
database), and a SQLite file. Under CI=true a missing server fails the test instead of
skipping it."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from omni_privacy.stores.connect import dispose_engines, engine_for
from tests.stores import fixture

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
MARIADB = {"host": "127.0.0.1", "port": 3306, "user": "root"}
# A password the tests look for everywhere it must not appear. PostgreSQL's trust
# authentication ignores it; MariaDB gets a user of its own that needs it.
PASSWORD = "pw-" + secrets.token_hex(8)


@dataclass(frozen=True)
class ExternalDb:
    dialect: str
    url: str  # with PASSWORD where the server takes one

    @property
    def engine(self) -> sa.Engine:
        return engine_for(self.dialect, self.url)


def _unavailable(what: str, exc: Exception) -> None:
    message = f"{what} is not reachable ({type(exc).__name__}): the store tests need it"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def _postgres_db() -> Iterator[str]:
    import psycopg

    name = f"omni_store_fixture_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=3, **PG)
    except psycopg.OperationalError as exc:
        _unavailable("PostgreSQL at 127.0.0.1:5432", exc)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql://postgres:{PASSWORD}@127.0.0.1:5432/{name}"
        finally:
            dispose_engines()
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _mariadb_db() -> Iterator[str]:
    import pymysql

    name = f"omni_store_fixture_{secrets.token_hex(4)}"
    user = f"omni_fx_{secrets.token_hex(4)}"
    try:
        admin = pymysql.connect(connect_timeout=3, autocommit=True, **MARIADB)
    except pymysql.err.OperationalError as exc:
        _unavailable("MariaDB at 127.0.0.1:3306", exc)
    with admin, admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        cursor.execute(f"CREATE USER '{user}'@'%%' IDENTIFIED BY %s", (PASSWORD,))
        cursor.execute(f"GRANT ALL ON `{name}`.* TO '{user}'@'%'")
        try:
            yield f"mysql://{user}:{PASSWORD}@127.0.0.1:3306/{name}"
        finally:
            dispose_engines()
            cursor.execute(f"DROP USER IF EXISTS '{user}'@'%'")
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def external(request, tmp_path) -> Iterator[ExternalDb]:
    """A store holding the fixture's customer database, on each dialect, with fresh rows."""
    if request.param == "sqlite":
        db = ExternalDb("sqlite", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    elif request.param == "postgresql":
        db = ExternalDb("postgresql", request.getfixturevalue("_postgres_db"))
    else:
        db = ExternalDb("mysql", request.getfixturevalue("_mariadb_db"))
    fixture.create(db.engine)
    fixture.populate(db.engine)
    yield db
    if request.param == "sqlite":
        db.engine.dispose()


def registered(external: ExternalDb, dataset: str = fixture.DATASET, name: str = "crm"):
    """The store registered with its dataset and checked, as a privacy officer would."""
    from omni_privacy.stores.services import store_add, store_check

    store = store_add(actor="test", name=name, dialect=external.dialect, url=external.url,
                      dataset_text=dataset)  # fmt: skip
    store_check(actor="test", store=store)
    store.refresh_from_db()
    return store


@dataclass(frozen=True)
class SqliteStore:
    db: ExternalDb
    store: object  # ExternalStore
    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / "store.sqlite3"


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    """The fixture's customer database in a SQLite file of its own folder (renaming the
    folder takes the store down), registered and checked as ``crm``."""
    folder = tmp_path / "crm"
    folder.mkdir()
    db = ExternalDb("sqlite", f"sqlite:///{folder / 'store.sqlite3'}")
    fixture.create(db.engine)
    fixture.populate(db.engine)
    yield SqliteStore(db, registered(db), folder)
    dispose_engines()
