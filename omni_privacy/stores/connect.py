"""Connections to external stores through SQLAlchemy Core, and reading their schema.

SQLAlchemy (not hand-built SQL per dialect) because one set of statement builders then runs on
PostgreSQL, MariaDB/MySQL and SQLite, quoting names and binding values the dialect's way, and
its inspector reads tables, keys and foreign keys from each database's catalogue.

Credentials: a store's URL is given here in clear only to open connections. Engines are made
with ``hide_parameters=True`` so that neither a log line nor an exception quotes a bound value
(an email), and callers never show a database error's text (it can quote a row or the user):
they say its class and SQLSTATE only.
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
from django.conf import settings
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from omni_privacy.stores.domain.dataset import Reference
from omni_privacy.stores.domain.results import Failure
from omni_privacy.stores.domain.schema import Schema, SchemaColumn, SchemaTable

DIALECTS = ("postgresql", "mysql", "sqlite")
_DRIVERS = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql", "sqlite": "sqlite"}
_BACKENDS = {"postgresql": {"postgresql"}, "mysql": {"mysql", "mariadb"}, "sqlite": {"sqlite"}}
CONNECT_TIMEOUT_SECONDS = 10
_ENGINES: dict[str, Engine] = {}


class StoreError(Exception):
    """A store could not be reached or used; ``failure`` says why without any value."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.code)
        self.failure = failure


def store_url(dialect: str, raw: str) -> URL:
    """The URL with the driver this application uses for ``dialect``. Raises StoreError
    (``url_invalid``, ``url_dialect``) without quoting the URL, which holds the password."""
    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError):
        raise StoreError(Failure("url_invalid")) from None
    if url.get_backend_name() not in _BACKENDS.get(dialect, set()):
        raise StoreError(Failure("url_dialect", {"dialect": dialect}))
    return url.set(drivername=_DRIVERS[dialect])


def db_failure(code: str, exc: BaseException, **params: Any) -> Failure:
    """A failure naming the database error's class and SQLSTATE, never its message."""
    orig = getattr(exc, "orig", None) or exc
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if not sqlstate and getattr(orig, "args", None) and isinstance(orig.args[0], int):
        sqlstate = str(orig.args[0])  # MySQL's error number
    return Failure(code, {**params, "error": type(orig).__name__, "sqlstate": sqlstate})


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLite enforces foreign keys only when asked, per connection.
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def statement_seconds() -> int:
    """OMNI_STORE_STATEMENT_SECONDS (120 without Django settings: the benchmark's engines)."""
    if not settings.configured:
        return 120
    return int(getattr(settings, "OMNI_STORE_STATEMENT_SECONDS", 120))


def _on_mysql_connect(dbapi_connection: Any, _record: Any) -> None:
    # Without strict mode MariaDB turns a NULL into '' in a NOT NULL column with a warning:
    # an erasure must fail (and roll back) rather than write what nobody asked for.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')")
        # MariaDB's statement timeout (seconds; MySQL has no such variable for writes).
        if "mariadb" in str(dbapi_connection.get_server_info()).lower():
            cursor.execute("SET SESSION max_statement_time = %s", (statement_seconds(),))


def engine_for(dialect: str, raw_url: str) -> Engine:
    """A pooled engine for the store (one per URL and process)."""
    url = store_url(dialect, raw_url)
    cache_key = hashlib.sha256(f"{dialect}\x00{raw_url}".encode()).hexdigest()
    engine = _ENGINES.get(cache_key)
    if engine is not None:
        return engine
    connect_args: dict[str, Any] = {}
    if dialect in ("postgresql", "mysql"):
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    if dialect == "postgresql":
        connect_args["options"] = f"-c statement_timeout={statement_seconds() * 1000}"
    elif dialect == "sqlite":
        connect_args["timeout"] = statement_seconds()  # waiting for another writer's lock
    engine = sa.create_engine(url, hide_parameters=True, connect_args=connect_args)
    if dialect == "sqlite":
        sa.event.listen(engine, "connect", _on_sqlite_connect)
    elif dialect == "mysql":
        sa.event.listen(engine, "connect", _on_mysql_connect)
    _ENGINES[cache_key] = engine
    return engine


def dispose_engines() -> None:
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def _type_name(column_type: Any) -> str:
    try:
        return str(column_type)
    except Exception:  # some reflected types cannot render without their dialect
        return type(column_type).__name__


def reflect_schema(engine: Engine) -> Schema:
    """Tables, columns, primary keys and single-column foreign keys of the store's default
    schema. Raises StoreError(``unreachable``) when the store cannot be read."""
    try:
        inspector = sa.inspect(engine)
        tables = {}
        for name in inspector.get_table_names():
            columns = {
                col["name"]: SchemaColumn(
                    name=col["name"],
                    type=_type_name(col["type"]),
                    nullable=bool(col.get("nullable", True)),
                    textual=isinstance(col["type"], sa.String),
                    datelike=isinstance(col["type"], sa.Date | sa.DateTime),
                )
                for col in inspector.get_columns(name)
            }
            primary = tuple(inspector.get_pk_constraint(name).get("constrained_columns") or ())
            foreign = tuple(
                Reference(name, fk["constrained_columns"][0], fk["referred_table"],
                          fk["referred_columns"][0], declared=False)
                for fk in inspector.get_foreign_keys(name)
                if len(fk["constrained_columns"]) == 1
            )  # fmt: skip
            tables[name] = SchemaTable(name, columns, primary, foreign)
    except SQLAlchemyError as exc:
        raise StoreError(db_failure("unreachable", exc)) from None
    return Schema(tables)


def dialect_of(engine: Engine) -> str:
    """The store's dialect as this application names it (MariaDB is ``mysql``)."""
    name = engine.dialect.name
    return "mysql" if name in ("mysql", "mariadb") else name
