"""What a database looks like after a sweep, as comparable aggregates: the floor is honest only
if the sweep's database and the floor's end in the same state."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any


def _holdings(cursor: Any, vendor: str) -> dict[str, dict[str, Any]]:
    month_start = (
        "extract(day from collected_at) = 1"
        if vendor == "postgresql"
        else "strftime('%d', collected_at) = '01'"
    )
    roles_empty = "roles = '[]'::jsonb" if vendor == "postgresql" else "roles = '[]'"
    columns = [
        "count(*)", "sum(id)", "sum(organization_id)", "count(person_id)", "count(full_name)",
        "count(email)", "count(phone)", "count(preferred_language)", "count(last_contact_at)",
        "count(role_removed_at)", "count(due_at)", "count(deadline_at)", "count(ended_at)",
        f"sum(CASE WHEN {month_start} THEN 1 ELSE 0 END)",
        f"sum(CASE WHEN {roles_empty} THEN 1 ELSE 0 END)",
        "min(collected_at)", "max(collected_at)", "min(created_at)", "max(created_at)",
        "count(DISTINCT retention_rule)",
    ]  # fmt: skip
    names = [
        "count", "sum_id", "sum_org", "person", "full_name", "email", "phone", "language",
        "last_contact", "role_removed", "due", "deadline", "ended", "month_start",
        "roles_empty", "min_collected", "max_collected", "min_created", "max_created", "rules",
    ]  # fmt: skip
    cursor.execute(
        f"SELECT state, {', '.join(columns)} FROM registry_holding GROUP BY state ORDER BY state"
    )
    return {
        row[0]: {name: _plain(value) for name, value in zip(names, row[1:], strict=True)}
        for row in cursor.fetchall()
    }


def _plain(value: Any) -> Any:
    """JSON-ready: PostgreSQL sums are numeric (Decimal), dates and datetimes become text."""
    if value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, Decimal):
        return int(value)
    return str(value)


def _ledger(path: Path) -> dict[str, Any]:
    """Line count and a digest of what each line erased (not when, nor by which run)."""
    digest, lines, marks = hashlib.sha256(), 0, 0
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                entry = json.loads(line)
                if "committed" in entry:
                    marks += 1
                    continue
                key = (entry["digest"], entry["organization"], entry["source"],
                       entry["action"], entry["rule"])  # fmt: skip
                digest.update("|".join(key).encode() + b"\n")
                lines += 1
    return {"lines": lines, "commit_marks": marks, "sha256": digest.hexdigest()}


def snapshot(*, ledger: Path) -> dict[str, Any]:
    """The current database's end state (Django's default connection)."""
    from django.db import connection

    from omni_privacy.audit.services import audit_verify

    with connection.cursor() as cursor:
        holdings = _holdings(cursor, connection.vendor)
        cursor.execute("SELECT count(*), sum(id) FROM registry_person")
        people, people_ids = cursor.fetchone()
        cursor.execute(
            "SELECT action, count(*) FROM audit_auditevent GROUP BY action ORDER BY action"
        )
        audit = dict(cursor.fetchall())
        cursor.execute(
            "SELECT status, processed, people_erased FROM retention_retentionrun ORDER BY id"
        )
        runs = [list(row) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT count(*), sum(organization_id), count(DISTINCT retention_rule), "
            "min(collected_month), max(collected_month), count(DISTINCT anonymised_month) "
            "FROM retention_anonymisedfact"
        )
        facts = [_plain(value) for value in cursor.fetchone()]
        cursor.execute("SELECT holdings FROM retention_anonymisationentry ORDER BY id")
        register = [row[0] for row in cursor.fetchall()]
    checked, broken = audit_verify()
    return {
        "holdings": holdings,
        "people": {"count": people, "sum_id": _plain(people_ids)},
        "audit_events": audit,
        "audit_chain": {"checked": checked, "intact": broken is None},
        "anonymised_facts": facts,
        "runs": runs,
        "register": register,
        "ledger": _ledger(ledger),
    }


def differences(left: dict[str, Any], right: dict[str, Any], path: str = "") -> list[str]:
    """Where two snapshots differ, as dotted paths."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right)):
            found += differences(left.get(key), right.get(key), f"{path}.{key}".strip("."))
        return found
    return [] if left == right else [f"{path}: {left!r} != {right!r}"]
