"""A fictional customer database, the kind of external store the connectors reach: ten tables
with foreign keys, the same on PostgreSQL, MariaDB and SQLite (SQLAlchemy Core DDL).

Used by the tests (small data, known answers) and by bench/connectors.py (many subjects).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()
_id = {"primary_key": True, "autoincrement": False}

customers = sa.Table(
    "customers", metadata,
    sa.Column("id", sa.Integer, **_id),
    sa.Column("email", sa.String(254)),
    sa.Column("full_name", sa.String(200), nullable=False),
    sa.Column("phone", sa.String(32)),
    sa.Column("preferred_language", sa.String(2)),
    sa.Column("birth_date", sa.Date),
    sa.Index("customers_email", "email"),
)  # fmt: skip
addresses = sa.Table(
    "addresses", metadata,
    sa.Column("id", sa.Integer, **_id),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("street", sa.String(200)),
    sa.Column("city", sa.String(100)),
)  # fmt: skip
orders = sa.Table(
    "orders", metadata,
    sa.Column("id", sa.Integer, **_id),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("placed_on", sa.Date, nullable=False),
    sa.Column("total_cents", sa.Integer, nullable=False),
)  # fmt: skip
order_items = sa.Table(
    "order_items", metadata,
    sa.Column("id", sa.Integer, **_id),
    sa.Column("order_id", sa.ForeignKey("orders.id"), nullable=False, index=True),
    sa.Column("product", sa.String(100), nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
)  # fmt: skip
payments = sa.Table(
    "payments", metadata,
    sa.Column("id", sa.Integer, **_id),
    sa.Column("order_id", sa.ForeignKey("orders.id"), nullable=False, index=True),
    sa.Column("amount_cents", sa.Integer, nullable=False),
    sa.Column("billing_email", sa.String(254)),
)  # fmt: skip
logins = sa.Table(
    "logins", metadata,
    sa.Column("id", sa.Integer, **_id),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("logged_on", sa.Date, nullable=False),
)  # fmt: skip
service_requests = sa.Table(
    "service_requests", metadata,
    sa.Column("id", sa.Integer, **_id),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), index=True),
    sa.Column("contact_email", sa.String(254), index=True),
    sa.Column("subject", sa.String(200), nullable=False),
)  # fmt: skip
visits = sa.Table(
    "visits", metadata,
    sa.Column("id", sa.Integer, **_id),
    sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("visited_on", sa.Date, nullable=False),
)  # fmt: skip
reports = sa.Table(
    "reports", metadata,
    sa.Column("id", sa.Integer, **_id),
    sa.Column("service_request_id", sa.ForeignKey("service_requests.id"), nullable=False,
              index=True),
    sa.Column("body", sa.String(500), nullable=False),
)  # fmt: skip
# Software-profile contacts: the notice allows a name, an email and a language there, not a
# telephone number (notice §2.1 ¶2): the scan must flag ``phone``.
admins = sa.Table(
    "admins", metadata,
    sa.Column("id", sa.Integer, **_id),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("full_name", sa.String(200), nullable=False),
    sa.Column("phone", sa.String(32)),
)  # fmt: skip
TABLES = [t.name for t in metadata.sorted_tables]

LEA = "lea.tremblay@example.com"
BOB = "bob.martin@example.org"

# The dataset a privacy officer would write for this store (docs/stores.md).
DATASET = """
[tables.customers]
source = "sales"
purposes = ["sales_information"]

[tables.customers.columns.email]
identifies = "email"
field = "email"
erase = "null"

[tables.customers.columns.full_name]
field = "full_name"
erase = "replace"
value = "Anonymised"

[tables.customers.columns.phone]
field = "phone"
erase = "null"

[tables.customers.columns.preferred_language]
field = "preferred_language"
erase = "keep"
reason = "legitimate_interest"
clause = "§9 ¶4"

[tables.customers.columns.birth_date]
field = "birth_date"
erase = "replace"
generalise = "year"

[tables.addresses]
erase = "delete"

[tables.orders]
erase = "keep"
reason = "legal_obligation"
clause = "Tax Administration Act, s. 34"

[tables.order_items]
erase = "delete"

[tables.payments]
source = "administrative"

[tables.payments.columns.billing_email]
field = "email"
erase = "keep"
reason = "legal_obligation"
clause = "Tax Administration Act, s. 34"

[tables.logins]
erase = "delete"

[tables.service_requests]
erase = "delete"
source = "customer_service"

[tables.service_requests.columns.contact_email]
identifies = "email"
field = "email"

[tables.visits]
erase = "delete"

[tables.reports]
erase = "delete"

[tables.admins]
erase = "delete"
source = "software_profile"

[tables.admins.columns.email]
identifies = "email"
field = "email"
"""


def create(engine: sa.Engine) -> None:
    metadata.drop_all(engine)
    metadata.create_all(engine)


def _rows(table: sa.Table, rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    names = [c.name for c in table.columns]
    return [dict(zip(names, row, strict=True)) for row in rows]


def populate(engine: sa.Engine) -> None:
    """Léa (customer 1) and Bob (customer 2), with known rows in every table."""
    day = dt.date(2025, 3, 14)
    data = {
        customers: [
            (1, LEA, "Léa Tremblay", "+15145550100", "fr", dt.date(1985, 6, 2)),
            (2, BOB, "Bob Martin", "+15145550199", "en", dt.date(1990, 1, 9)),
        ],
        addresses: [(1, 1, "1 rue Exemple", "Montréal"), (2, 1, "2 rue Exemple", "Laval"),
                    (3, 2, "3 Example St", "Ottawa")],
        orders: [(1, 1, day, 1000), (2, 1, day, 2000), (3, 1, day, 500), (4, 2, day, 700)],
        order_items: [(1, 1, "licence", 1), (2, 1, "support", 2), (3, 2, "licence", 1),
                      (4, 3, "training", 3), (5, 3, "support", 1), (6, 4, "licence", 1)],
        payments: [(1, 1, 1000, LEA), (2, 2, 2000, LEA), (3, 3, 500, LEA), (4, 4, 700, BOB)],
        logins: [(n, 1, dt.date(2025, 3, n), ) for n in range(1, 5)]
        + [(5, 2, dt.date(2025, 3, 9))],
        # Request 3 was sent by Léa before she was a customer: found by its contact email.
        service_requests: [(1, 1, None, "invoice"), (2, 2, BOB, "login"),
                           (3, None, LEA.upper(), "pricing")],
        visits: [(1, 1, day), (2, 2, day)],
        reports: [(1, 1, "called back"), (2, 3, "sent prices"), (3, 2, "reset")],
        admins: [(1, "Lea.Tremblay@Example.com", "Léa Tremblay", "+15145550100"),
                 (2, BOB, "Bob Martin", None)],
    }  # fmt: skip
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            connection.execute(table.insert(), _rows(table, data[table]))


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(
                sa.select(sa.func.count()).select_from(table)
            ).scalar_one()
            for table in metadata.sorted_tables
        }


def snapshot(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order (to prove a rollback left everything as it was)."""
    with engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(
                sa.select(table).order_by(table.c.id))]
            for table in metadata.sorted_tables
        }  # fmt: skip
