"""The snapshot's rows staged in a temporary table, so the sync diffs in SQL, not in Python.

A monthly snapshot is mostly unchanged rows. Comparing them one batch at a time from Python
cost a round trip and a row object per user (6,000 rows/s); here the parsed rows are streamed
into a temporary table (COPY on PostgreSQL, executemany on SQLite) and three set-based
statements answer what the sync needs: which user ids are repeated, which flagged rows differ
from what is held (only those go through the collection gate and the writes), and which held
profiles the snapshot no longer flags.

The table lives only inside the sync's transaction and connection (a temporary table is
neither shared with other sessions nor written to PostgreSQL's WAL), and it is dropped before
the transaction ends, committed or not. It holds what the sync would have held in memory: the
keyed digest of the user id (never the id), and for flagged rows the normalised name, email,
language and roles the gate would be offered. Memory stays flat whatever the file's size.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from omni_privacy.intake.domain.snapshot import SnapshotProblem
from omni_privacy.registry.models import LIVE_STATES, Holding, HoldingState

ROWS = "omni_sync_rows"
CHANGED = "omni_sync_changed"
UNSEEN = "omni_sync_unseen"
_COLUMNS = "line, key, flagged, full_name, email, language, roles"
_SQLITE_BATCH = 5000
WORK_MEM = "256MB"


@dataclass(frozen=True)
class StagedRow:
    """A flagged row that differs from what is held (or is new): the gate's input."""

    line: int
    key: str
    full_name: str
    email: str
    preferred_language: str | None
    roles: tuple[str, ...]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _roles_type() -> str:
    return "jsonb" if _postgres() else "text"


class Stage:
    """The staging table of one sync; use as a context manager inside its transaction."""

    def __init__(self, instance_id: int) -> None:
        self.instance_id = instance_id
        self._copy: Any = None
        self._cursor: Any = None
        self._pending: list[tuple[Any, ...]] = []

    def __enter__(self) -> Stage:
        self._cursor = connection.cursor()
        if _postgres():
            # The set-based statements hash a million keys: with the default 4 MB they spill
            # to disk in batches. For this transaction only (SET LOCAL).
            self._cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        self._drop()
        self._cursor.execute(
            f"CREATE TEMPORARY TABLE {ROWS} (line integer NOT NULL, key varchar(64) NOT NULL, "
            "flagged boolean NOT NULL, full_name text, email text, language varchar(2), "
            f"roles {_roles_type()})"
        )
        if _postgres():
            self._copy_manager = self._cursor.copy(f"COPY {ROWS} ({_COLUMNS}) FROM STDIN")
            self._copy = self._copy_manager.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        failed = exc[0] is not None
        try:
            if self._copy is not None:
                self._end_copy(failed)
            if not failed:
                self._drop()
            # On failure the caller's transaction rolls back, and the temporary tables, created
            # inside it, go with it (PostgreSQL and SQLite both roll back DDL).
        finally:
            self._cursor.close()

    def _drop(self) -> None:
        for table in (UNSEEN, CHANGED, ROWS):
            self._cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def _end_copy(self, failed: bool) -> None:
        self._copy = None
        if failed:
            # Ending a COPY with an error aborts the statement; the caller's transaction is
            # rolled back anyway (the sync is all or nothing).
            aborted = RuntimeError("sync aborted")
            self._copy_manager.__exit__(RuntimeError, aborted, None)
        else:
            self._copy_manager.__exit__(None, None, None)

    @property
    def copies(self) -> bool:
        """True when rows come as COPY text (PostgreSQL), False when as tuples (SQLite)."""
        return self._copy is not None

    def add(self, copy: bytes, rows: Sequence[tuple[Any, ...]]) -> None:
        """Staged rows (intake/domain/staged.py): their COPY text on PostgreSQL, else their
        tuples (line, key, flagged, full_name, email, language, roles JSON)."""
        if self._copy is not None:
            if copy:
                self._copy.write(copy)
            return
        for start in range(0, len(rows), _SQLITE_BATCH):
            self._pending.extend(rows[start : start + _SQLITE_BATCH])
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._cursor.executemany(
                f"INSERT INTO {ROWS} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                self._pending,
            )
            self._pending = []

    def loaded(self) -> None:
        """Every row is in: finish the load and give the planner the table's statistics
        (nothing else analyses a temporary table)."""
        if self._copy is not None:
            self._end_copy(False)
        self._flush()
        self._cursor.execute(f"ANALYZE {ROWS}")

    def duplicates(self, limit: int) -> list[SnapshotProblem]:
        """A user id on two lines or more: each later line names the first (a grouping
        first, so a file without duplicates costs one hash aggregate)."""
        self._cursor.execute(
            f"SELECT key FROM {ROWS} GROUP BY key HAVING COUNT(*) > 1 LIMIT %s",  # noqa: S608
            [limit],
        )
        keys = [key for (key,) in self._cursor.fetchall()]
        if not keys:
            return []
        placeholders = ", ".join(["%s"] * len(keys))
        self._cursor.execute(
            f"SELECT r.line, f.first FROM {ROWS} r JOIN (SELECT key, MIN(line) AS first "  # noqa: S608
            f"FROM {ROWS} WHERE key IN ({placeholders}) GROUP BY key) f ON f.key = r.key "
            "WHERE r.line > f.first ORDER BY r.line LIMIT %s",
            [*keys, limit],
        )
        return [
            SnapshotProblem(line, "user_id", f"duplicate of line {first}")
            for line, first in self._cursor.fetchall()
        ]

    def _held(self) -> tuple[str, str, list[Any]]:
        """The holding table as ``h`` and the condition that ``h`` is a live software profile
        of this instance under the staged row ``s``'s key."""
        states = ", ".join(["%s"] * len(LIVE_STATES))
        table = f"{connection.ops.quote_name(Holding._meta.db_table)} h"
        condition = (
            "h.instance_id = %s AND h.source_key = s.key AND h.source = %s "
            f"AND h.state IN ({states})"
        )
        return table, condition, [self.instance_id, "software_profile", *LIVE_STATES]

    def select_changed(self) -> tuple[int, int]:
        """Copy the flagged rows that differ from their live, unremoved holding (or have
        none) to the second table; return (flagged rows, rows copied).

        A copied row is marked ``in_place`` (its holding's id) when only the name or the
        language changed on an active holding: same address (so the same person), same roles
        (so the same retention facts, and the same stored retention decision). Those, most of
        a month's changes, are rectified by ``rectify`` in one statement per batch once the
        gate has accepted them; the others (new, restored, new address, roles changed) go
        through the services one by one."""
        table, held, params = self._held()
        if _postgres():
            differs = (
                "h.full_name IS DISTINCT FROM s.full_name OR h.email IS DISTINCT FROM s.email "
                "OR h.preferred_language IS DISTINCT FROM s.language OR h.roles <> s.roles"
            )
            same_roles = "h.roles = s.roles"
            name_changed = "h.full_name IS DISTINCT FROM s.full_name"
            language_changed = "h.preferred_language IS DISTINCT FROM s.language"
        else:
            differs = (
                "h.full_name IS NOT s.full_name OR h.email IS NOT s.email "
                "OR h.preferred_language IS NOT s.language OR json(h.roles) <> json(s.roles)"
            )
            same_roles = "json(h.roles) = json(s.roles)"
            name_changed = "h.full_name IS NOT s.full_name"
            language_changed = "h.preferred_language IS NOT s.language"
        self._cursor.execute(
            f"CREATE TEMPORARY TABLE {CHANGED} AS SELECT s.line, s.key, s.full_name, s.email, "  # noqa: S608
            f"s.language, s.roles, CASE WHEN h.state = %s AND h.person_id IS NOT NULL "
            f"AND h.email = s.email AND {same_roles} THEN h.id END AS in_place, "
            f"{name_changed} AS name_changed, {language_changed} AS language_changed "
            f"FROM {ROWS} s LEFT JOIN {table} ON {held} AND h.role_removed_at IS NULL "
            f"WHERE s.flagged AND (h.id IS NULL OR {differs})",
            [HoldingState.ACTIVE, *params],
        )
        self._cursor.execute(f"CREATE INDEX omni_sync_changed_line ON {CHANGED} (line)")
        self._cursor.execute(f"ANALYZE {CHANGED}")  # else batches are planned as scans
        self._cursor.execute(f"SELECT COUNT(*) FROM {CHANGED}")  # noqa: S608
        (changed,) = self._cursor.fetchone()
        self._cursor.execute(f"SELECT COUNT(*) FROM {ROWS} WHERE flagged")  # noqa: S608
        (flagged,) = self._cursor.fetchone()
        return flagged, changed

    def _pages(self, where: str, batch: int) -> Iterator[list[StagedRow]]:
        last = 0
        while True:
            self._cursor.execute(
                f"SELECT line, key, full_name, email, language, roles FROM {CHANGED} "  # noqa: S608
                f"WHERE line > %s AND {where} ORDER BY line LIMIT %s",
                [last, batch],
            )
            rows = self._cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [
                StagedRow(line, key, name, email, language, _roles(roles))
                for line, key, name, email, language, roles in rows
            ]

    def changed(self, batch: int) -> Iterator[list[StagedRow]]:
        """The copied rows not rectified in place, in file order, ``batch`` at a time (keyset
        paging: flat memory)."""
        return self._pages("in_place IS NULL", batch)

    def in_place(self, batch: int) -> Iterator[list[StagedRow]]:
        """The rows ``rectify`` will write, in file order: the gate's to check first."""
        return self._pages("in_place IS NOT NULL", batch)

    def demote(self, lines: list[int]) -> None:
        """These rows go through the services after all (the gate changed what they offer)."""
        for chunk in range(0, len(lines), 500):
            part = lines[chunk : chunk + 500]
            self._cursor.execute(
                f"UPDATE {CHANGED} SET in_place = NULL WHERE line IN "  # noqa: S608
                f"({', '.join(['%s'] * len(part))})",
                part,
            )

    def rectify(self, batch: int, now: dt.datetime) -> Iterator[list[tuple[str, list[str]]]]:
        """Write the in-place rows' name and language to their holdings, ``batch`` rows per
        statement; yield each batch's (holding public id, fields changed) for its audit
        event. Two statements per batch (select, then update by line range) because
        SQLite's RETURNING cannot name the joined table."""
        table = connection.ops.quote_name(Holding._meta.db_table)
        last = 0
        while True:
            self._cursor.execute(
                f"SELECT c.line, h.public_id, c.name_changed, c.language_changed "  # noqa: S608
                f"FROM {CHANGED} c JOIN {table} h ON h.id = c.in_place "
                "WHERE c.in_place IS NOT NULL AND c.line > %s ORDER BY c.line LIMIT %s",
                [last, batch],
            )
            rows = self._cursor.fetchall()
            if not rows:
                return
            first, last = last, rows[-1][0]
            self._cursor.execute(
                f"UPDATE {table} AS h SET full_name = c.full_name, "  # noqa: S608
                "preferred_language = c.language, updated_at = %s "
                f"FROM {CHANGED} c WHERE c.in_place = h.id AND c.in_place IS NOT NULL "
                "AND c.line > %s AND c.line <= %s",
                [connection.ops.adapt_datetimefield_value(now), first, last],
            )
            yield [
                (
                    str(uuid.UUID(str(public_id))),
                    [
                        name
                        for name, changed in (
                            ("full_name", name_changed),
                            ("preferred_language", language_changed),
                        )
                        if changed
                    ],
                )
                for _line, public_id, name_changed, language_changed in rows
            ]

    def ignored(self) -> int:
        """Rows with none of the three roles and no live profile held under their key: read
        and forgotten. (Held ones are scheduled for deletion by ``unseen``.)"""
        table, held, params = self._held()
        self._cursor.execute(
            f"SELECT COUNT(*) FROM {ROWS} s WHERE NOT s.flagged AND NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {table} WHERE {held})",
            params,
        )
        (count,) = self._cursor.fetchone()
        return int(count)

    def unseen(self, batch: int) -> Iterator[list[int]]:
        """Ids of this instance's live, unremoved, keyed profiles whose key the snapshot does
        not flag (roles removed, or the user gone), ``batch`` at a time. One anti-join (NOT
        EXISTS: NOT IN over a large subquery is quadratic on PostgreSQL) into a third table,
        then keyset paging over it."""
        states = ", ".join(["%s"] * len(LIVE_STATES))
        table = connection.ops.quote_name(Holding._meta.db_table)
        self._cursor.execute(
            f"CREATE TEMPORARY TABLE {UNSEEN} AS SELECT h.id FROM {table} h "  # noqa: S608
            "WHERE h.instance_id = %s AND h.source = %s AND h.source_key IS NOT NULL "
            f"AND h.role_removed_at IS NULL AND h.state IN ({states}) AND NOT EXISTS "
            f"(SELECT 1 FROM {ROWS} s WHERE s.flagged AND s.key = h.source_key)",
            [self.instance_id, "software_profile", *LIVE_STATES],
        )
        self._cursor.execute(f"CREATE INDEX omni_sync_unseen_id ON {UNSEEN} (id)")
        last = 0
        while True:
            self._cursor.execute(
                f"SELECT id FROM {UNSEEN} WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
                [last, batch],
            )
            ids = [row_id for (row_id,) in self._cursor.fetchall()]
            if not ids:
                return
            last = ids[-1]
            yield ids


def _roles(value: Any) -> tuple[str, ...]:
    """jsonb comes back as a list on PostgreSQL, as its text on SQLite."""
    return tuple(json.loads(value) if isinstance(value, str) else value)
