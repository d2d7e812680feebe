"""The every-table scan: look for a person's identifiers in every value of every table.

Works on any DB-API cursor (Django's, sqlite3's, psycopg's), so the in-process tests and the
restore tests (subprocesses on a SQLite file or a scratch PostgreSQL database) share it.
JSON stored as text (SQLite) escapes non-ASCII characters, so a value that parses as JSON is
searched again re-encoded without escapes; everything is compared lower-cased.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import phonenumbers


@dataclass(frozen=True)
class Identity:
    """A fictional person's identifiers as offered to the registry."""

    full_name: str
    email: str
    phone: str | None = None

    def needles(self, digest_key: str) -> set[str]:
        """Every form the identifiers could be stored in, lower-cased."""
        found = {
            self.full_name,
            *self.full_name.split(),
            self.email,
            email_digest(self.email, digest_key),
        }
        if self.phone:
            number = phonenumbers.parse(self.phone, "CA")
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            found |= {e164, e164.lstrip("+"), str(number.national_number)}
        return {needle.lower() for needle in found}


def email_digest(email: str, key: str) -> str:
    """Person.email_digest of ``email`` (core/digest.py: HMAC of the lower-cased address)."""
    return hmac.new(key.encode(), email.lower().encode(), hashlib.sha256).hexdigest()


def _texts(value: Any) -> Iterator[str]:
    if value is None:
        return
    if isinstance(value, memoryview | bytes | bytearray):
        raw = bytes(value)
        yield raw.decode("utf-8", "replace")
        yield raw.hex()
        return
    if isinstance(value, dict | list | tuple):
        yield json.dumps(value, ensure_ascii=False, default=str)
        return
    if isinstance(value, dt.date | dt.datetime):
        yield value.isoformat()
        return
    text = str(value)
    yield text
    if text[:1] in '[{"':
        try:
            decoded = json.loads(text)
        except ValueError:
            return
        yield json.dumps(decoded, ensure_ascii=False)


def scan_rows(
    tables: dict[str, Iterable[tuple[Any, ...]]], needles: set[str]
) -> set[tuple[str, str]]:
    """(table, needle) for every needle found in any value of any row."""
    found = set()
    for table, rows in tables.items():
        for row in rows:
            for value in row:
                for text in _texts(value):
                    lowered = text.lower()
                    found |= {(table, needle) for needle in needles if needle in lowered}
    return found


def scan_cursor(
    cursor: Any, table_names: Iterable[str], needles: set[str], quote: Any
) -> set[tuple[str, str]]:
    """Run SELECT * on every table through ``cursor`` and scan the rows."""
    tables = {}
    for table in table_names:
        # Table names come from the database's own catalogue, quoted: S608 does not apply.
        cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
        tables[table] = cursor.fetchall()
    return scan_rows(tables, needles)


def scan_django_database(needles: set[str]) -> set[tuple[str, str]]:
    """Scan every table of Django's default database (the test database)."""
    from django.db import connection

    with connection.cursor() as cursor:
        return scan_cursor(
            cursor, connection.introspection.table_names(cursor), needles, connection.ops.quote_name
        )
