"""The SQL that keeps published notice versions as they were published, per database vendor.

The model's save() and delete() refuse too; these triggers also cover queryset updates and
deletes, and raw SQL. A draft may be edited, deleted or published (its row changes from
``draft`` to ``published``); after that, nothing.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "notices_noticeversion"
MESSAGE = "a published notice version cannot be changed or deleted"

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS notices_published_no_update BEFORE UPDATE ON {TABLE}
        WHEN OLD.state = 'published'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS notices_published_no_delete BEFORE DELETE ON {TABLE}
        WHEN OLD.state = 'published'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS notices_published_no_update;",
    "DROP TRIGGER IF EXISTS notices_published_no_delete;",
]

POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION notices_refuse_published_change() RETURNS trigger AS $$
       BEGIN
         IF OLD.state = 'published' THEN
           RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP
             USING ERRCODE = 'integrity_constraint_violation';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER notices_published_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION notices_refuse_published_change();""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS notices_published_no_change ON {TABLE};",
    "DROP FUNCTION IF EXISTS notices_refuse_published_change();",
]


def _statements(vendor: str, *, create: bool) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    raise NotImplementedError(f"no notice triggers for database vendor {vendor!r}")


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, create=True):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, create=False):
            cursor.execute(statement)
