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
from typing import Any, NamedTuple

from django.db import connection

from omni_privacy.core.errors import Problem
from omni_privacy.intake.domain.snapshot import DUPLICATE
from omni_privacy.registry.models import LIVE_STATES, Holding, HoldingState
from omni_privacy.registry.writers import holdings_rectify_from

ROWS = "omni_sync_rows"
DIFF = "omni_sync_diff"
_COLUMNS = "line, key, flagged, full_name, email, language, roles"
_SQLITE_BATCH = 5000
WORK_MEM = "256MB"


@dataclass(frozen=True)
class Diffed:
    """What ``Stage.diff`` counted: rows unchanged (flagged and held as they are, or unflagged
    and already scheduled) and rows ignored (no role, nothing held)."""

    unchanged: int
    ignored: int


class UnseenProfile(NamedTuple):
    """A held profile the snapshot no longer flags, and the facts its retention reads."""

    id: int
    public_id: str
    source: str
    collected_at: dt.date
    last_contact_at: dt.date | None
    erasure_requested_at: dt.date | None


@dataclass(frozen=True)
class StagedRow:
    """A flagged row that differs from what is held (or is new): the gate's input."""

    line: int
    key: str
    full_name: str
    email: str
    preferred_language: str | None
    roles: tuple[str, ...]
    holding_id: int | None = None  # the live holding of the key when the diff ran; None: new


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _roles_type() -> str:
    return "jsonb" if _postgres() else "text"


class Stage:
    """The staging table of one sync; use as a context manager inside its transaction.
    ``source`` is the source the sync collects (policy/domain/collection.sync_source)."""

    def __init__(self, instance_id: int, *, source: str) -> None:
        self.instance_id = instance_id
        self.source = source
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
            from psycopg.copy import QueuedLibpqWriter

            # A writer thread sends the rows to the server: the sync's process goes back to
            # its parsing processes while PostgreSQL reads the last part. Its queue holds at
            # most 1,024 buffers of 128 KiB, whatever the file's size.
            self._copy_manager = self._cursor.copy(
                f"COPY {ROWS} ({_COLUMNS}) FROM STDIN",
                writer=QueuedLibpqWriter(self._cursor.cursor),
            )
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
        for table in (DIFF, ROWS):
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
        if _postgres():
            # The planner needs the row count and the keys' spread, not a 30,000-row sample.
            for column in ("key", "flagged"):
                self._cursor.execute(f"ALTER TABLE {ROWS} ALTER COLUMN {column} SET STATISTICS 10")
            self._cursor.execute(f"ANALYZE {ROWS} (key, flagged)")
        else:
            self._cursor.execute(f"ANALYZE {ROWS}")

    def duplicates(self, limit: int) -> list[Problem]:
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
            Problem(DUPLICATE, {"first": first}, field="user_id", line=line)
            for line, first in self._cursor.fetchall()
        ]

    def diff(self) -> Diffed:
        """Compare the staged rows with this instance's live keyed profiles in one pass, into
        the second table: the flagged rows that differ from their unremoved holding (or have
        none; ``changed``), the held profiles the snapshot no longer flags (``unseen``: roles
        removed, or the user gone), and the unflagged rows whose profile is already scheduled
        (``kept``). Unchanged and ignored rows are only counted. One full join on PostgreSQL;
        on SQLite a left join and an anti-join.

        A changed row is marked ``in_place`` (its holding's id) when only the name or the
        language changed on an active holding: same address (so the same person), same roles
        (so the same retention facts, and the same stored retention decision). Those, most of
        a month's changes, are rectified by ``rectify`` in one statement per batch once the
        gate has accepted them; the others (new, restored, new address, roles changed) go
        through the services one by one."""
        states = ", ".join(["%s"] * len(LIVE_STATES))
        holdings = connection.ops.quote_name(Holding._meta.db_table)
        held = (
            "SELECT id, public_id, source_key, full_name, email, preferred_language, roles, "  # noqa: S608
            f"state, person_id, role_removed_at FROM {holdings} "
            "WHERE instance_id = %s AND source = %s AND source_key IS NOT NULL "
            f"AND state IN ({states})"
        )
        held_params = [self.instance_id, self.source, *LIVE_STATES]
        if _postgres():
            distinct, same_roles = "IS DISTINCT FROM", "h.roles = s.roles"
        else:
            distinct, same_roles = "IS NOT", "json(h.roles) = json(s.roles)"
        differs = (
            f"h.full_name {distinct} s.full_name OR h.email {distinct} s.email "
            f"OR h.preferred_language {distinct} s.language OR NOT ({same_roles})"
        )
        kind = (
            "CASE WHEN s.line IS NULL THEN CASE WHEN h.role_removed_at IS NULL THEN 'unseen' END "
            "WHEN s.flagged THEN CASE WHEN h.id IS NULL OR h.role_removed_at IS NOT NULL "
            f"OR {differs} THEN 'changed' END "
            "WHEN h.id IS NULL THEN NULL "
            "WHEN h.role_removed_at IS NOT NULL THEN 'kept' ELSE 'unseen' END"
        )
        in_place = (
            "CASE WHEN s.flagged AND h.role_removed_at IS NULL AND h.state = %s "
            f"AND h.person_id IS NOT NULL AND h.email = s.email AND {same_roles} THEN h.id END"
        )
        columns = (
            f"{kind} AS kind, s.line, s.key, s.full_name, s.email, s.language, s.roles, "
            f"{in_place} AS in_place, h.full_name {distinct} s.full_name AS name_changed, "
            f"h.preferred_language {distinct} s.language AS language_changed, h.id AS holding_id, "
            "h.public_id"
        )
        if _postgres():
            joined = f"SELECT {columns} FROM {ROWS} s FULL JOIN ({held}) h ON h.source_key = s.key"  # noqa: S608
            params = [HoldingState.ACTIVE, *held_params]
        else:
            joined = (
                f"SELECT {columns} FROM {ROWS} s LEFT JOIN ({held}) h ON h.source_key = s.key "  # noqa: S608
                f"UNION ALL SELECT 'unseen', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                f"NULL, h.id, h.public_id FROM ({held}) h WHERE h.role_removed_at IS NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {ROWS} s WHERE s.key = h.source_key)"
            )
            params = [HoldingState.ACTIVE, *held_params, *held_params]
        self._cursor.execute(
            f"CREATE TEMPORARY TABLE {DIFF} AS SELECT * FROM ({joined}) d "  # noqa: S608
            "WHERE d.kind IS NOT NULL",
            params,
        )
        self._cursor.execute(f"CREATE INDEX omni_sync_diff_line ON {DIFF} (kind, line)")
        self._cursor.execute(f"CREATE INDEX omni_sync_diff_held ON {DIFF} (kind, holding_id)")
        self._cursor.execute(f"ANALYZE {DIFF}")  # else batches are planned as scans
        self._cursor.execute(
            f"SELECT COUNT(*) FILTER (WHERE kind = 'changed'), "  # noqa: S608
            "COUNT(*) FILTER (WHERE kind = 'kept'), "
            "COUNT(*) FILTER (WHERE kind = 'unseen' AND line IS NOT NULL) "
            f"FROM {DIFF}"
        )
        changed, kept, unseen_listed = self._cursor.fetchone()
        self._cursor.execute(
            f"SELECT COUNT(*) FILTER (WHERE flagged), COUNT(*) FROM {ROWS}"  # noqa: S608
        )
        flagged, rows = self._cursor.fetchone()
        return Diffed(
            unchanged=flagged - changed + kept,
            ignored=rows - flagged - unseen_listed - kept,
        )

    def _pages(self, where: str, batch: int) -> Iterator[list[StagedRow]]:
        last = 0
        while True:
            self._cursor.execute(
                f"SELECT line, key, full_name, email, language, roles, holding_id FROM {DIFF} "  # noqa: S608
                f"WHERE kind = 'changed' AND line > %s AND {where} ORDER BY line LIMIT %s",
                [last, batch],
            )
            rows = self._cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [
                StagedRow(line, key, name, email, language, _roles(roles), held)
                for line, key, name, email, language, roles, held in rows
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
                f"UPDATE {DIFF} SET in_place = NULL WHERE kind = 'changed' AND line IN "  # noqa: S608
                f"({', '.join(['%s'] * len(part))})",
                part,
            )

    def rectify(self, batch: int, now: dt.datetime) -> Iterator[list[tuple[str, list[str]]]]:
        """Write the in-place rows' name and language to their holdings, ``batch`` rows per
        statement; yield each batch's (holding public id, fields changed) for its audit
        event. Two statements per batch (select, then update by line range) because
        SQLite's RETURNING cannot name the joined table; the update is the registry's."""
        last = 0
        while True:
            self._cursor.execute(
                f"SELECT c.line, c.public_id, c.name_changed, c.language_changed "  # noqa: S608
                f"FROM {DIFF} c WHERE c.kind = 'changed' "
                "AND c.in_place IS NOT NULL AND c.line > %s ORDER BY c.line LIMIT %s",
                [last, batch],
            )
            rows = self._cursor.fetchall()
            if not rows:
                return
            first, last = last, rows[-1][0]
            holdings_rectify_from(
                relation=DIFF,
                holding_column="in_place",
                values={"full_name": "full_name", "preferred_language": "language"},
                where="c.kind = 'changed' AND c.in_place IS NOT NULL "
                "AND c.line > %s AND c.line <= %s",
                params=[first, last],
                now=now,
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

    def unseen(self, batch: int) -> Iterator[list[UnseenProfile]]:
        """The held profiles the snapshot no longer flags, ``batch`` at a time, in id order
        (keyset paging over ``diff``'s table), with the facts the retention evaluator reads."""
        table = connection.ops.quote_name(Holding._meta.db_table)
        last = 0
        while True:
            self._cursor.execute(
                "SELECT h.id, h.public_id, h.source, h.collected_at, h.last_contact_at, "  # noqa: S608
                f"h.erasure_requested_at FROM {DIFF} u JOIN {table} h ON h.id = u.holding_id "
                "WHERE u.kind = 'unseen' AND u.holding_id > %s ORDER BY u.holding_id LIMIT %s",
                [last, batch],
            )
            rows = self._cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [
                UnseenProfile(
                    row[0], str(uuid.UUID(str(row[1]))), row[2], *(_date(day) for day in row[3:])
                )
                for row in rows
            ]


def _date(value: Any) -> Any:
    """Dates come back as dates on PostgreSQL, as ISO text on SQLite."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _roles(value: Any) -> tuple[str, ...]:
    """jsonb comes back as a list on PostgreSQL, as its text on SQLite."""
    return tuple(json.loads(value) if isinstance(value, str) else value)
