"""Only the registry writes holdings and people (STYLE.md: one owner for each table).

Intake, rights requests and the retention sweep call registry/writers.py and
registry/services.py; a write of a ``Holding`` or ``Person`` row anywhere else in the package,
through the ORM or in raw SQL, fails here. The scanner (tests/registry/table_owner.py) is
tested on snippets too, so that it can be seen to catch what it claims to.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import omni_privacy
from tests.registry.table_owner import Write, package_writes, writes_in

PACKAGE = Path(omni_privacy.__file__).resolve().parent
# The demo data generator builds fictional registries for `make run`; it may write the
# registry's tables directly wherever it lives (registry/demo.py, or a demo app).
ALLOWED = ("omni_privacy/registry/", "omni_privacy/demo/")


def test_no_module_outside_the_registry_writes_holdings_or_people() -> None:
    assert package_writes(PACKAGE, allowed=ALLOWED) == {}


def test_the_scanner_sees_each_registry_writer() -> None:
    source = (PACKAGE / "registry" / "writers.py").read_text(encoding="utf-8")
    assert {write.function for write in writes_in(source)} == {
        "people_for_digests",
        "person_ids_for_digests",
        "people_delete_unheld",
        "holdings_insert",
        "holdings_write",
        "holdings_set_columns",
        "holdings_rectify_from",
        "holdings_rectify",
        "holdings_delete",
    }


def _writes(snippet: str) -> list[Write]:
    return writes_in(textwrap.dedent(snippet))


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            """
            def add(rows):
                Holding.objects.bulk_create(rows)
            """,
            [Write(3, "add", "Holding.objects.bulk_create")],
        ),
        (
            """
            def forget(ids):
                Person.objects.filter(id__in=ids).delete()
            """,
            [Write(3, "forget", "Person.objects.filter(id__in=ids).delete")],
        ),
        (
            """
            def end(ids):
                holdings = Holding.objects.filter(pk__in=ids)
                holdings.update(state="deleted")
            """,
            [Write(4, "end", "holdings.update")],
        ),
        (
            """
            def rename(person, name):
                for holding in Holding.objects.select_for_update().filter(person=person):
                    holding.full_name = name
                    holding.save(update_fields=["full_name"])
            """,
            [Write(5, "rename", "holding.save")],
        ),
        (
            """
            def keep(digest):
                Person(email_digest=digest).save()
                Person.objects.get_or_create(email_digest=digest)
                Holding._default_manager.update_or_create(pk=1)
            """,
            [
                Write(3, "keep", "Person(email_digest=digest).save"),
                Write(4, "keep", "Person.objects.get_or_create"),
                Write(5, "keep", "Holding._default_manager.update_or_create"),
            ],
        ),
        (
            """
            def drop(person):
                person.holdings.all().delete()
            """,
            [Write(3, "drop", "person.holdings.all().delete")],
        ),
        (
            """
            def clear(cursor, ids):
                cursor.execute("update registry_holding set email = null where id = %s", ids)
                cursor.execute('DELETE FROM "registry_person" WHERE id = %s', ids)
            """,
            [
                Write(3, "clear", "update registry_holding"),
                Write(4, "clear", 'DELETE FROM "registry_person"'),
            ],
        ),
        (
            """
            def stamp(cursor, now):
                table = connection.ops.quote_name(Holding._meta.db_table)
                cursor.execute(f"UPDATE {table} SET updated_at = %s", [now])
                cursor.execute("INSERT INTO " + _table(Person) + " (email_digest) VALUES (%s)")
            """,
            [
                Write(4, "stamp", "UPDATE {table}"),
                Write(5, "stamp", "INSERT INTO {_table(Person)}"),
            ],
        ),
    ],
)
def test_the_scanner_finds_a_forbidden_write(snippet: str, expected: list[Write]) -> None:
    assert _writes(snippet) == expected


def test_the_scanner_ignores_reads_and_other_tables() -> None:
    snippet = """
        def read(cursor, person, counts, ids):
            rows = Holding.objects.filter(person=person).select_for_update()
            first = Person.objects.filter(pk=1).first()
            counts.update({"held": rows.count()})
            table = connection.ops.quote_name(Holding._meta.db_table)
            cursor.execute(f"SELECT id FROM {table} WHERE person_id = %s", [first.pk])
            cursor.execute(f"UPDATE omni_sync_diff SET in_place = NULL WHERE line IN ({ids})")
            RetentionRun.objects.filter(pk=1).update(status="finished")
            "Delete from the registry what the notice no longer justifies."
    """
    assert _writes(snippet) == []
