"""Build a registry of N holdings with set-based SQL (generate_series on PostgreSQL, a recursive
CTE on SQLite): organisations, one person per holding, and holdings whose stored retention
answer makes a fraction of them due on the benchmark's day.

Deterministic: the same ``seed``, ``rows`` and ``due`` give the same rows (public ids are
md5-derived from the seed). Fictional values only (``Person 123``, ``p123@example.com``,
``+1 514 555 ....``). The email digest is a plain SHA-256 of the address, standing in for the
keyed HMAC (the sweep only copies it to the ledger).

Holding ``g`` follows rule ``g % 6`` (three delete rules, three anonymise rules: half each) and
is due on the day when ``(g * 7919) % 10000`` falls under the due fraction, which spreads the
due holdings evenly over the id range, as real due holdings are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

# (k, rule, source, purpose, legal basis, channel, action), from the shipped policy file.
RULES = (
    (0, "profile_role_removed", "software_profile", "communication_obligations", "contract",
     "monthly_sync", "delete"),
    (1, "profile_subscription_not_renewed", "software_profile", "service_obligations",
     "legitimate_interest", "monthly_sync", "delete"),
    (2, "service_not_renewed", "customer_service", "service_obligations", "contract", "email",
     "anonymize"),
    (3, "sales_last_contact", "sales", "sales_information", "consent", "form", "anonymize"),
    (4, "sales_erasure_request", "sales", "sales_information", "legitimate_interest", "phone",
     "delete"),
    (5, "administrative_not_renewed", "administrative", "order_and_account", "contract", "email",
     "anonymize"),
)  # fmt: skip
SPREAD = 7919  # a prime, coprime with 10000: (g * SPREAD) % 10000 permutes every 10000 ids


@dataclass(frozen=True)
class Spec:
    rows: int
    due: float
    as_of: dt.date
    seed: int

    @property
    def organizations(self) -> int:
        return max(1, min(1000, self.rows // 100))

    @property
    def due_per_10000(self) -> int:
        return round(self.due * 10000)


class _Dialect:
    vendor = ""

    def series(self, n: int) -> str:
        raise NotImplementedError

    def uuid(self, seed: int, kind: str, g: str) -> str:
        raise NotImplementedError

    def digest(self, seed: int, g: str) -> str:
        raise NotImplementedError

    def day(self, as_of: dt.date, offset: str) -> str:
        raise NotImplementedError

    def noon(self, day: str) -> str:
        raise NotImplementedError

    def json(self, text: str) -> str:
        return f"'{text}'"


class _Postgres(_Dialect):
    vendor = "postgresql"

    def series(self, n: int) -> str:
        return f"s(g) AS (SELECT generate_series(1, {n})::bigint)"

    def uuid(self, seed: int, kind: str, g: str) -> str:
        return f"md5('{seed}:{kind}:' || {g})::uuid"

    def digest(self, seed: int, g: str) -> str:
        return f"encode(sha256(convert_to('{seed}:p' || {g} || '@example.com', 'UTF8')), 'hex')"

    def day(self, as_of: dt.date, offset: str) -> str:
        return f"(DATE '{as_of.isoformat()}' + ({offset})::int)"

    def noon(self, day: str) -> str:
        return f"(({day})::timestamp + interval '12 hours') AT TIME ZONE 'UTC'"

    def json(self, text: str) -> str:
        return f"'{text}'::jsonb"


def _md5_hex(*parts: object) -> str:
    return hashlib.md5(":".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class _Sqlite(_Dialect):
    vendor = "sqlite"

    def series(self, n: int) -> str:
        return f"s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {n})"

    def uuid(self, seed: int, kind: str, g: str) -> str:
        # Django keeps a UUIDField as 32 hex digits on SQLite.
        return f"bench_md5({seed}, '{kind}', {g})"

    def digest(self, seed: int, g: str) -> str:
        return f"bench_sha256('{seed}:p' || {g} || '@example.com')"

    def day(self, as_of: dt.date, offset: str) -> str:
        return f"date('{as_of.isoformat()}', ({offset}) || ' days')"

    def noon(self, day: str) -> str:
        return f"({day} || ' 12:00:00')"


def _rules_cte() -> str:
    values = ", ".join(
        "(" + ", ".join(str(v) if isinstance(v, int) else f"'{v}'" for v in rule) + ")"
        for rule in RULES
    )
    return f"rules(k, rule, source, purpose, basis, channel, action) AS (VALUES {values})"


def _statements(spec: Spec, d: _Dialect) -> list[str]:
    n, seed = spec.rows, spec.seed
    due_off = (
        f"CASE WHEN (g * {SPREAD}) % 10000 < {spec.due_per_10000} "
        "THEN -(g % 45) ELSE 1 + (g % 900) END"
    )
    base = f"SELECT g, g % 6 AS k, {due_off} AS due_off FROM s"
    due_at = d.day(spec.as_of, "due_off")
    collected = d.day(spec.as_of, "due_off - 2000 - (g % 700)")
    stamp = d.noon(collected)
    orgs = spec.organizations
    return [
        f"""INSERT INTO registry_organization (id, created_at, updated_at, code, name)
        WITH RECURSIVE {d.series(orgs)}
        SELECT g, {d.noon(d.day(spec.as_of, "-3000"))}, {d.noon(d.day(spec.as_of, "-3000"))},
               'bench-' || g, 'Bench organisation ' || g FROM s""",
        f"""INSERT INTO registry_person
            (id, public_id, created_at, updated_at, email_digest, erasure_requested_at)
        WITH RECURSIVE {d.series(n)}, b AS ({base})
        SELECT g, {d.uuid(seed, "p", "g")}, {stamp}, {stamp}, {d.digest(seed, "g")},
               CASE WHEN k = 4 THEN {due_at} END FROM b""",
        f"""INSERT INTO registry_holding
            (id, public_id, created_at, updated_at, person_id, organization_id, instance_id,
             source, purpose, legal_basis, channel, collected_at, last_contact_at, roles,
             role_removed_at, state, full_name, email, phone, preferred_language,
             due_at, deadline_at, retention_rule, retention_action, ended_at)
        WITH RECURSIVE {_rules_cte()}, {d.series(n)}, b AS ({base})
        SELECT g, {d.uuid(seed, "h", "g")}, {stamp}, {stamp}, g, 1 + (g % {orgs}), NULL,
               r.source, r.purpose, r.basis, r.channel, {collected},
               CASE WHEN b.k = 3 THEN {d.day(spec.as_of, "due_off - 1826")} END,
               CASE WHEN b.k < 2 THEN {d.json('["system_administrator"]')} ELSE {d.json("[]")} END,
               CASE WHEN b.k = 0 THEN {due_at} END,
               CASE WHEN g % 97 = 0 THEN 'pending_deletion' ELSE 'active' END,
               'Person ' || g, 'p' || g || '@example.com',
               CASE WHEN b.k < 2 THEN NULL ELSE '+1 514 555 ' || (1000 + g % 9000) END,
               CASE WHEN g % 2 = 0 THEN 'fr' ELSE 'en' END,
               {due_at}, {d.day(spec.as_of, "due_off + 60")}, r.rule, r.action, NULL
        FROM b JOIN rules r ON r.k = b.k""",
    ]


def build(spec: Spec) -> None:
    """Fill the (migrated, empty) registry of Django's default database."""
    from django.db import connection, transaction

    dialect: _Dialect = _Sqlite() if connection.vendor == "sqlite" else _Postgres()
    connection.ensure_connection()
    if dialect.vendor == "sqlite":
        raw = connection.connection
        raw.create_function("bench_md5", 3, _md5_hex, deterministic=True)
        raw.create_function("bench_sha256", 1, _sha256_hex, deterministic=True)
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in _statements(spec, dialect):
            cursor.execute(statement)
        if dialect.vendor == "postgresql":
            for table in ("registry_organization", "registry_person", "registry_holding"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    # Statistics and the visibility map, as autovacuum would have left them on a live system.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if dialect.vendor == "postgresql" else "ANALYZE")


def due_count(spec: Spec) -> int:
    """How many holdings the build makes due on ``spec.as_of`` (computed, not queried)."""
    full, rest = divmod(spec.rows, 10000)
    partial = sum(1 for g in range(1, rest + 1) if (g * SPREAD) % 10000 < spec.due_per_10000)
    return full * spec.due_per_10000 + partial
