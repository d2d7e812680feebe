"""The SQL that makes the consent ledger and the suppression list append-only, per vendor (the
audit app's pattern, audit/triggers.py)."""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ("consent_consentevent", "consent_suppression")


def _sqlite_create(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END;""",
    ]


def _postgres_create(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION consent_refuse_change();""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION consent_refuse_change();""",
    ]


POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION consent_refuse_change() RETURNS trigger AS $$
   BEGIN
     RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
       USING ERRCODE = 'insufficient_privilege';
   END; $$ LANGUAGE plpgsql;"""


def create_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [sql for table in TABLES for sql in _sqlite_create(table)]
    if vendor == "postgresql":
        return [POSTGRES_FUNCTION, *(sql for table in TABLES for sql in _postgres_create(table))]
    raise NotImplementedError(f"no append-only triggers for database vendor {vendor!r}")


def drop_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_{kind};"
            for table in TABLES
            for kind in ("no_update", "no_delete")
        ]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_{kind} ON {table};"
            for table in TABLES
            for kind in ("no_update_delete", "no_truncate")
        ]
    raise NotImplementedError(f"no append-only triggers for database vendor {vendor!r}")


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in create_statements(connection.vendor):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in drop_statements(connection.vendor):
            cursor.execute(statement)
