"""Real `omni-privacy` processes on a scratch database of their own: a SQLite file in tmp_path,
or a PostgreSQL database created for the test (on the server of OMNI_DATABASE_URL) and dropped
after it. The test reads the database through a separate connection (sqlite3 or psycopg)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import dj_database_url
import psycopg
import pytest
from psycopg import sql

SECRET = "test-only-secret-key-for-subprocesses"


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("omni-privacy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "omni_privacy"]


def as_uuid(value: Any) -> uuid.UUID:
    """A UUID column as read back (32 hex characters on SQLite, uuid.UUID from psycopg)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def as_json(value: Any) -> Any:
    """A JSON column as read back (text on SQLite, already decoded from PostgreSQL's jsonb)."""
    return json.loads(value) if isinstance(value, str) else value


@dataclass
class Site:
    """One scratch installation: its database URL, VAR_DIR and erasure ledger."""

    directory: Path
    url: str
    vendor: str  # "sqlite" or "postgresql"
    _connection: Any = field(default=None, repr=False)

    @property
    def ledger(self) -> Path:
        return self.directory / "erasure-ledger.jsonl"

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("OMNI_")}
        env.update(
            OMNI_DATABASE_URL=self.url,
            OMNI_VAR_DIR=str(self.directory / "var"),
            OMNI_SECRET_KEY=SECRET,
            OMNI_ERASURE_LEDGER=str(self.ledger),
        )
        return env

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cli_command(), *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def popen(self, *args: str, log: IO[bytes]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*cli_command(), *args], env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )

    def migrate(self) -> None:
        done = self.cli("migrate", "--no-input", "-v", "0")
        assert (done.returncode, done.stderr) == (0, "")

    def query(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of ``statement`` (written with %s placeholders), read outside the processes."""
        if self._connection is None:
            if self.vendor == "sqlite":
                path = dj_database_url.parse(self.url)["NAME"]
                self._connection = sqlite3.connect(path, timeout=20, isolation_level=None)
            else:
                self._connection = psycopg.connect(self.url, autocommit=True)
        if self.vendor == "sqlite":
            statement = statement.replace("%s", "?")
        return list(self._connection.execute(statement, params).fetchall())

    def scalar(self, statement: str, params: tuple[Any, ...] = ()) -> Any:
        rows = self.query(statement, params)
        assert len(rows) == 1, rows
        return rows[0][0]

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@pytest.fixture
def sqlite_site(tmp_path: Path) -> Iterator[Site]:
    site = Site(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", "sqlite")
    yield site
    site.close()


def _admin_connection(url: str) -> psycopg.Connection[Any]:
    config = dj_database_url.parse(url)
    return psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def postgres_site(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    """A PostgreSQL database named after the suite's (``<name>_<suffix>``), created empty and
    dropped afterwards. Only for tests marked postgres_only (the suite's URL is PostgreSQL)."""
    base = os.environ["OMNI_DATABASE_URL"]
    suffix = getattr(request, "param", "scratch")
    name = f"{dj_database_url.parse(base)['NAME']}_{suffix}"
    url = urlsplit(base)._replace(path=f"/{name}").geturl()
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with _admin_connection(base) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    site = Site(tmp_path, url, "postgresql")
    try:
        yield site
    finally:
        site.close()
        with _admin_connection(base) as admin:
            admin.execute(drop)


# Run inside `omni-privacy shell -c` after `PEOPLE = n` and `AS_OF = "YYYY-MM-DD"`. Fictional
# people on example.com, four kinds in turn (every holding passes the collection gate once per
# kind, and its retention columns are the evaluator's answer, as holding_record would store):
#   lapsed:  software profile (subscription ended: delete) + customer service (anonymise)
#   prospect: sales, last contact 2019 (anonymise)
#   kept:    software profile at a subscribed organisation (not due) + sales 2020 (anonymise)
#   removed: software profile, role removed in January 2026 (delete)
# Holdings are written in two passes (every person's first holding, then the second ones) so
# that a person's holdings fall in different chunks of a sweep. The rows are written as the ORM
# would write them, by one executemany per table (bulk_create takes several times longer).
FILL_REGISTRY = """
import datetime as dt
import json
import uuid

from django.db import connection, transaction

from omni_privacy.core.digest import email_digest
from omni_privacy.policy.loader import active_policy
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.domain.gate import HoldingCandidate, check_holding
from omni_privacy.registry.models import Holding, Person
from omni_privacy.registry.retention_columns import apply_decision
from omni_privacy.registry.selectors import organization_facts
from omni_privacy.registry.services import OrganizationInput, organization_upsert

as_of = dt.date.fromisoformat(AS_OF)
orgs = {
    "lapsed": organization_upsert(actor="test", as_of=as_of, data=OrganizationInput(
        code="lapsed", name="Lapsed Example",
        subscriptions=(Interval(dt.date(2021, 1, 1), dt.date(2025, 6, 30)),))),
    "prospects": organization_upsert(actor="test", as_of=as_of, data=OrganizationInput(
        code="prospects", name="Prospects Example")),
    "current": organization_upsert(actor="test", as_of=as_of, data=OrganizationInput(
        code="current", name="Current Example",
        subscriptions=(Interval(dt.date(2021, 1, 1)),))),
}
facts = {code: organization_facts(org) for code, org in orgs.items()}


def accepted(org, **values):
    result = check_holding(
        HoldingCandidate(full_name="Example Person", email="template@example.com", **values),
        active_policy(), facts[org], today=as_of,
    )
    assert result.accepted is not None, result.errors
    return org, result.accepted


profile = dict(source="software_profile", purpose="communication_obligations",
               legal_basis="contract", channel="monthly_sync")
TEMPLATES = {
    "lapsed_profile": (accepted("lapsed", collected_at=dt.date(2022, 3, 1),
                                roles=("system_administrator",), **profile),
                       "profile_subscription_not_renewed"),
    "lapsed_service": (accepted("lapsed", source="customer_service",
                                purpose="service_obligations", legal_basis="contract",
                                channel="phone", collected_at=dt.date(2024, 1, 10),
                                phone="+1 514 555 0100", preferred_language="fr"),
                       "service_not_renewed"),
    "sales_2019": (accepted("prospects", source="sales", purpose="sales_information",
                            legal_basis="consent", channel="email",
                            collected_at=dt.date(2019, 5, 1)), "sales_last_contact"),
    "sales_2020": (accepted("prospects", source="sales", purpose="sales_information",
                            legal_basis="consent", channel="form",
                            collected_at=dt.date(2020, 2, 1)), "sales_last_contact"),
    "current_profile": (accepted("current", collected_at=dt.date(2023, 4, 1),
                                 roles=("update_notice_subscriber",), **profile), ""),
    "removed_profile": (accepted("current", collected_at=dt.date(2022, 9, 1),
                                 role_removed_at=dt.date(2026, 1, 15), **profile),
                        "profile_role_removed"),
}
KINDS = (
    ("lapsed_profile", "lapsed_service"),
    ("sales_2019",),
    ("sales_2020", "current_profile"),
    ("removed_profile",),
)


def prepared(obj):
    # The column values the ORM would write for obj (Model.save without the save).
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key]
    return {f.column: f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields}


def template_row(template):
    (org, values), rule = TEMPLATES[template]
    row = Holding(person=None, organization=orgs[org], source=values.source,
                  purpose=values.purpose, legal_basis=values.legal_basis,
                  channel=values.channel, collected_at=values.collected_at,
                  last_contact_at=values.last_contact_at, roles=list(values.roles),
                  role_removed_at=values.role_removed_at, full_name=values.full_name,
                  email=values.email, phone=values.phone,
                  preferred_language=values.preferred_language)
    apply_decision(row, facts[org], as_of=as_of)
    assert row.retention_rule == rule, (template, row.retention_rule)
    assert (row.due_at is not None and row.due_at <= as_of) == bool(rule), template
    return prepared(row)


def insert(model, rows):
    columns = list(rows[0])
    quote = connection.ops.quote_name
    statement = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))})"
        f" VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(statement, [[row[column] for column in columns] for row in rows])


def public_id():
    return Holding._meta.get_field("public_id").get_db_prep_save(uuid.uuid4(), connection)


# Only the person, the email and the public id differ between holdings of one template (the
# evaluator's answer depends on none of them): stamp the rows out in one statement per table.
with transaction.atomic():
    emails = [f"person{index:06d}@example.com" for index in range(PEOPLE)]
    digests = [email_digest(email) for email in emails]
    person = prepared(Person(email_digest=""))
    insert(Person, [{**person, "email_digest": d, "public_id": public_id()} for d in digests])
    ids = dict(Person.objects.values_list("email_digest", "id"))
    rows = {name: template_row(name) for name in TEMPLATES}
    insert(Holding, [
        {**rows[kind[rank]], "person_id": ids[digests[index]], "email": emails[index],
         "public_id": public_id()}
        for rank in range(2)
        for index in range(PEOPLE)
        for kind in [KINDS[index % 4]]
        if rank < len(kind)
    ])
people = Person.objects.count()
print(json.dumps({"people": people, "holdings": Holding.objects.count()}))
"""


def fill_registry(site: Site, *, people: int, as_of: str) -> dict[str, int]:
    """Fill ``site``'s registry (see FILL_REGISTRY) through a real `omni-privacy shell`."""
    script = f"PEOPLE = {people}\nAS_OF = {as_of!r}\n{FILL_REGISTRY}"
    done = site.cli("shell", "--no-imports", "-c", script, timeout=300)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))
