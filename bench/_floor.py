"""The floor: the sweep's work (omni_privacy/retention/sweep.py and services.py) as hand-written
minimal SQL on a raw DB-API cursor, to measure what the ORM and the service layer cost.

Same work, same end state: one transaction per chunk of the same size that selects the due
holdings after a cursor (FOR UPDATE SKIP LOCKED on PostgreSQL), appends and fsyncs the same
ledger lines, copies the same organisation-level facts of the holdings to anonymise into
retention_anonymisedfact, deletes every holding of the chunk, deletes the people left without
a holding (legal holds on them lose their person, as SET_NULL does), inserts one audit event
per chunk with the same payload and a chained HMAC, updates the run row, and appends the
chunk's commit mark to the ledger after the commit. Also the run's start (run row, audit
event) and its end (receipt, anonymisation register entry). Fewer statements, no model
instances, no payload check.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LIVE = "('active', 'pending_deletion')"


class _Sql:
    """The statements that differ between PostgreSQL and SQLite."""

    begin = "BEGIN"
    select_chunk = f"""
        SELECT h.id, h.public_id, h.person_id, h.source, h.purpose, h.retention_rule,
               h.retention_action, p.email_digest, o.code
        FROM registry_holding h
        JOIN registry_organization o ON o.id = h.organization_id
        LEFT JOIN registry_person p ON p.id = h.person_id
        WHERE h.state IN {LIVE} AND h.due_at <= %s AND h.id > %s
        ORDER BY h.id LIMIT %s FOR UPDATE OF h SKIP LOCKED"""
    delete_holdings = "DELETE FROM registry_holding WHERE id = ANY(%s)"
    keep_facts = """
        INSERT INTO retention_anonymisedfact (organization_id, source, purpose, legal_basis,
            channel, collected_month, anonymised_month, retention_rule)
        SELECT organization_id, source, purpose, legal_basis, channel,
            date_trunc('month', collected_at)::date, %s, retention_rule
        FROM registry_holding WHERE id = ANY(%s) ORDER BY random()"""
    delete_people = [
        """WITH gone AS (
               DELETE FROM registry_person p WHERE p.id = ANY(%s)
               AND NOT EXISTS (SELECT 1 FROM registry_holding h WHERE h.person_id = p.id)
               RETURNING p.id),
           unheld AS (
               UPDATE retention_legalhold l SET person_id = NULL FROM gone
               WHERE l.person_id = gone.id RETURNING 1)
           SELECT count(*) FROM gone"""
    ]
    head_lock = "SELECT sequence, hash FROM audit_auditchainhead WHERE id = 1 FOR UPDATE"
    json_cast = "::jsonb"
    holds = """SELECT count(*) FROM retention_legalhold WHERE released_at IS NULL
               AND (until IS NULL OR until >= %s)"""

    def ids(self, values: list[int]) -> Any:
        return values

    def erased(self, cursor: Any) -> int:
        return int(cursor.fetchone()[0])

    def stamp(self, moment: dt.datetime) -> Any:
        return moment

    def day(self, value: dt.date) -> Any:
        return value

    def uuid(self, value: str | None) -> Any:
        return value


class _SqliteSql(_Sql):
    begin = "BEGIN IMMEDIATE"
    select_chunk = f"""
        SELECT h.id, h.public_id, h.person_id, h.source, h.purpose, h.retention_rule,
               h.retention_action, p.email_digest, o.code
        FROM registry_holding h
        JOIN registry_organization o ON o.id = h.organization_id
        LEFT JOIN registry_person p ON p.id = h.person_id
        WHERE h.state IN {LIVE} AND h.due_at <= ? AND h.id > ?
        ORDER BY h.id LIMIT ?"""
    delete_holdings = "DELETE FROM registry_holding WHERE id IN (SELECT value FROM json_each(?))"
    keep_facts = """
        INSERT INTO retention_anonymisedfact (organization_id, source, purpose, legal_basis,
            channel, collected_month, anonymised_month, retention_rule)
        SELECT organization_id, source, purpose, legal_basis, channel,
            date(collected_at, 'start of month'), ?, retention_rule
        FROM registry_holding WHERE id IN (SELECT value FROM json_each(?)) ORDER BY random()"""
    delete_people = [
        """UPDATE retention_legalhold SET person_id = NULL
           WHERE person_id IN (SELECT value FROM json_each(?)) AND NOT EXISTS
               (SELECT 1 FROM registry_holding h
                WHERE h.person_id = retention_legalhold.person_id)""",
        """DELETE FROM registry_person WHERE id IN (SELECT value FROM json_each(?))
           AND NOT EXISTS
               (SELECT 1 FROM registry_holding h WHERE h.person_id = registry_person.id)""",
    ]
    head_lock = "SELECT sequence, hash FROM audit_auditchainhead WHERE id = 1"
    json_cast = ""
    holds = """SELECT count(*) FROM retention_legalhold WHERE released_at IS NULL
               AND (until IS NULL OR until >= ?)"""

    def ids(self, values: list[int]) -> Any:
        return json.dumps(values)

    def erased(self, cursor: Any) -> int:
        return int(cursor.rowcount)

    def stamp(self, moment: dt.datetime) -> Any:
        # Django keeps SQLite datetimes as naive UTC text.
        return str(moment.astimezone(dt.UTC).replace(tzinfo=None))

    def day(self, value: dt.date) -> Any:
        return value.isoformat()

    def uuid(self, value: str | None) -> Any:
        return value.replace("-", "") if value else None


def _p(sql: _Sql, text: str) -> str:
    """Placeholders: %s for psycopg, ? for sqlite3 (whose SQL has % of its own)."""
    return text.replace("%s", "?") if isinstance(sql, _SqliteSql) else text


@dataclass
class FloorResult:
    processed: int = 0
    people_erased: int = 0
    ledger_lines: int = 0
    chunks: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    anonymised: dict[str, dict[str, int]] = field(default_factory=dict)


class Floor:
    def __init__(self, *, as_of: dt.date, chunk: int, ledger: Path, actor: str) -> None:
        from django.conf import settings
        from django.db import connection

        connection.ensure_connection()
        self.raw = connection.connection
        self.sql: _Sql = _SqliteSql() if connection.vendor == "sqlite" else _Sql()
        self.key = str(settings.OMNI_AUDIT_KEY).encode()
        self.as_of, self.chunk, self.ledger, self.actor = as_of, chunk, ledger, actor
        self.run_public_id = str(uuid.uuid4())
        self.result = FloorResult()

    # The columns of an audit event, in order: clearer positional here than named.
    def _audit(self, cursor: Any, action: str, object_type: str, object_id: str,  # noqa: PLR0917
               payload: dict[str, Any], moment: dt.datetime) -> int:  # fmt: skip
        from omni_privacy.audit.chain import link_hash

        sql = self.sql
        cursor.execute(sql.head_lock)
        sequence, previous = cursor.fetchone()
        sequence += 1
        digest = link_hash(
            key=self.key, sequence=sequence, occurred_at=moment.astimezone(dt.UTC).isoformat(),
            actor=self.actor, action=action, object_type=object_type, object_id=object_id,
            payload=payload, previous_hash=previous,
        )  # fmt: skip
        cursor.execute(
            _p(sql, "INSERT INTO audit_auditevent (sequence, occurred_at, actor, action, "
               "object_type, object_id, payload, previous_hash, hash) "
               f"VALUES (%s, %s, %s, %s, %s, %s, %s{sql.json_cast}, %s, %s)"),
            (sequence, sql.stamp(moment), self.actor, action, object_type, object_id,
             json.dumps(payload), previous, digest),
        )  # fmt: skip
        cursor.execute(
            _p(sql, "UPDATE audit_auditchainhead SET sequence = %s, hash = %s WHERE id = 1"),
            (sequence, digest),
        )
        return sequence

    def start(self) -> None:
        sql, now = self.sql, _now()
        cursor = self.raw.cursor()
        cursor.execute(sql.begin)
        cursor.execute(
            "INSERT INTO audit_auditchainhead (id, sequence, hash) "
            f"VALUES (1, 0, '{'0' * 64}') ON CONFLICT (id) DO NOTHING"
        )
        cursor.execute(
            _p(sql, "INSERT INTO retention_retentionrun (public_id, created_at, updated_at, "
               "kind, as_of, actor, status, started_at, heartbeat_at, host, pid, processed, "
               "people_erased, counts, held) VALUES (%s, %s, %s, 'sweep', %s, %s, 'running', "
               f"%s, %s, %s, %s, 0, 0, '{{}}'{sql.json_cast}, '{{}}'{sql.json_cast}) "
               "RETURNING id"),
            (sql.uuid(self.run_public_id), sql.stamp(now), sql.stamp(now), sql.day(self.as_of),
             self.actor, sql.stamp(now), sql.stamp(now), socket.gethostname(), os.getpid()),
        )  # fmt: skip
        self.run_id = cursor.fetchone()[0]
        self.first_event = None
        self.last_event = None
        self.first_holding = self.last_holding = None
        self._audit(cursor, "retention.sweep.started", "retention_run", self.run_public_id,
                    {"as_of": self.as_of.isoformat()}, now)  # fmt: skip
        cursor.execute("COMMIT")
        cursor.execute(_p(sql, sql.holds), (sql.day(self.as_of),))
        cursor.fetchone()

    def run(self) -> FloorResult:
        self.start()
        after = 0
        while True:
            count, after = self.apply_chunk(after)
            if not count:
                break
        self.finish()
        return self.result

    def apply_chunk(self, after: int) -> tuple[int, int]:
        sql, now, result = self.sql, _now(), self.result
        cursor = self.raw.cursor()
        cursor.execute(sql.begin)
        cursor.execute(_p(sql, sql.select_chunk), (sql.day(self.as_of), after, self.chunk))
        rows = cursor.fetchall()
        if not rows:
            cursor.execute("COMMIT")
            return 0, after
        erased_at = now.astimezone(dt.UTC).isoformat()
        chunk = str(uuid.uuid4())
        lines = [
            json.dumps({"action": action, "chunk": chunk, "digest": digest,
                        "erased_at": erased_at, "organization": code, "rule": rule,
                        "run": self.run_public_id, "source": source, "v": 1},
                       separators=(",", ":"), sort_keys=True)
            for _id, _pid, _person, source, _purpose, rule, action, digest, code in rows
            if digest is not None
        ]  # fmt: skip
        self._append(lines)
        anonymised = [row for row in rows if row[6] != "delete"]
        if anonymised:
            month = now.date().replace(day=1)
            cursor.execute(_p(sql, sql.keep_facts),
                           (sql.day(month), sql.ids([r[0] for r in anonymised])))  # fmt: skip
        cursor.execute(_p(sql, sql.delete_holdings), (sql.ids([row[0] for row in rows]),))
        people = sorted({row[2] for row in rows if row[2] is not None})
        erased = 0
        if people:
            for statement in sql.delete_people:
                cursor.execute(_p(sql, statement), (sql.ids(people),))
            erased = sql.erased(cursor)
        listed: dict[str, dict[str, list[str]]] = {}
        for row in rows:
            rule, action = row[5], row[6]
            per_rule = result.counts.setdefault(rule, {})
            per_rule[action] = per_rule.get(action, 0) + 1
            listed.setdefault(rule, {}).setdefault(action, []).append(str(uuid.UUID(str(row[1]))))
        for row in anonymised:
            per_source = result.anonymised.setdefault(row[3], {})
            per_source[row[4]] = per_source.get(row[4], 0) + 1
        payload = {"as_of": self.as_of.isoformat(), "chunk": chunk, "count": len(rows),
                   "people_erased": erased, "holdings": listed}  # fmt: skip
        sequence = self._audit(cursor, "retention.sweep.chunk", "retention_run",
                               self.run_public_id, payload, now)  # fmt: skip
        result.processed += len(rows)
        result.people_erased += erased
        result.ledger_lines += len(lines)
        result.chunks += 1
        if self.first_holding is None:
            self.first_holding, self.first_event = str(uuid.UUID(str(rows[0][1]))), sequence
        self.last_holding, self.last_event = str(uuid.UUID(str(rows[-1][1]))), sequence
        self._progress(cursor, now)
        cursor.execute("COMMIT")
        if lines:
            self._append([json.dumps({"v": 1, "committed": chunk}, separators=(",", ":"))])
        return len(rows), rows[-1][0]

    def _append(self, lines: list[str]) -> None:
        if not lines:
            return
        descriptor = os.open(self.ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, ("\n".join(lines) + "\n").encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def _progress(self, cursor: Any, now: dt.datetime) -> None:
        sql, result = self.sql, self.result
        cursor.execute(
            _p(sql, "UPDATE retention_retentionrun SET heartbeat_at = %s, processed = %s, "
               f"people_erased = %s, counts = %s{sql.json_cast}, first_holding = %s, "
               "last_holding = %s, first_event = %s, last_event = %s WHERE id = %s"),
            (sql.stamp(now), result.processed, result.people_erased, json.dumps(result.counts),
             sql.uuid(self.first_holding), sql.uuid(self.last_holding), self.first_event,
             self.last_event, self.run_id),
        )  # fmt: skip
        if result.anonymised:
            self._store_entry(cursor, now)

    def _store_entry(self, cursor: Any, now: dt.datetime) -> tuple[str, int, list[str]]:
        """The run's anonymisation register entry, written (or rewritten) with the counts so
        far: in every chunk's transaction, as the sweep does, and at the end."""
        from omni_privacy.retention.domain import anonymisation as an

        sql, result = self.sql, self.result
        purposes = sorted({p for per in result.anonymised.values() for p in per})
        holdings = sum(sum(per.values()) for per in result.anonymised.values())
        cast = sql.json_cast
        cursor.execute(
            _p(sql, "INSERT INTO retention_anonymisationentry (public_id, created_at, "
               "updated_at, run_id, anonymised_on, holdings, by_source, purposes, "
               "fields_removed, fields_generalised, fields_kept, techniques, "
               "security_measures, risk_analysis) VALUES (%s, %s, %s, %s, %s, %s, "
               f"%s{cast}, %s{cast}, %s{cast}, %s{cast}, %s{cast}, %s{cast}, %s{cast}, %s) "
               "ON CONFLICT (run_id) DO UPDATE SET updated_at = excluded.updated_at, "
               "anonymised_on = excluded.anonymised_on, holdings = excluded.holdings, "
               "by_source = excluded.by_source, purposes = excluded.purposes "
               "RETURNING public_id"),
            (sql.uuid(str(uuid.uuid4())), sql.stamp(now), sql.stamp(now), self.run_id,
             sql.day(now.date()), holdings, json.dumps(result.anonymised),
             json.dumps(purposes), json.dumps(list(an.FIELDS_REMOVED)),
             json.dumps(list(an.FIELDS_GENERALISED)), json.dumps(list(an.FIELDS_KEPT)),
             json.dumps(list(an.TECHNIQUES)), json.dumps(list(an.SECURITY_MEASURES)),
             an.RISK_ANALYSIS),
        )  # fmt: skip
        return str(uuid.UUID(str(cursor.fetchone()[0]))), holdings, purposes

    def finish(self) -> None:
        from omni_privacy.policy.loader import active_policy

        sql, now, result = self.sql, _now(), self.result
        cursor = self.raw.cursor()
        cursor.execute(sql.begin)
        entry = None
        if result.anonymised:
            entry, holdings, purposes = self._store_entry(cursor, now)
            self._audit(cursor, "retention.anonymisation_registered", "anonymisation_entry",
                        entry, {"run": self.run_public_id, "holdings": holdings,
                                "purposes": purposes}, now)  # fmt: skip
        policy = active_policy()
        clauses = {
            rule: {"clause": policy.rule(rule).section, "delete": actions.get("delete", 0),
                   "anonymize": actions.get("anonymize", 0), "held": 0}
            for rule, actions in sorted(result.counts.items())
        }  # fmt: skip
        receipt = self._audit(cursor, "retention.sweep.receipt", "retention_run",
                              self.run_public_id, {
            "as_of": self.as_of.isoformat(), "processed": result.processed,
            "people_erased": result.people_erased, "clauses": clauses, "holds": [],
            "first_holding": self.first_holding, "last_holding": self.last_holding,
            "first_event": self.first_event, "last_event": self.last_event, "duration_ms": 0,
            "ledger_lines": result.ledger_lines, "anonymisation_entry": entry,
            "interrupted_runs": []}, now)  # fmt: skip
        self._progress(cursor, now)
        cursor.execute(
            _p(sql, "UPDATE retention_retentionrun SET status = 'finished', finished_at = %s, "
               f"held = '{{}}'{sql.json_cast}, receipt_event = %s, duration_ms = 0 "
               "WHERE id = %s"),
            (sql.stamp(now), receipt, self.run_id),
        )  # fmt: skip
        cursor.execute("COMMIT")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
