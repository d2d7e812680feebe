"""Access and erasure in real external stores (issue 17 items 2 and 4), on SQLite, PostgreSQL
and MariaDB: set-based along the reference graph, one transaction per store, proven by a
re-query, rolled back whole on any failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.digest import email_digest
from omni_privacy.stores.domain.dataset import Keep
from omni_privacy.stores.services import (
    StoreInputError,
    store_access,
    store_add,
    store_erase,
)
from tests.stores import fixture
from tests.stores.conftest import registered
from tests.stores.fixture import BOB, DATASET, LEA

pytestmark = pytest.mark.django_db

LEA_ROWS = {
    "customers": [1],
    "addresses": [1, 2],
    "orders": [1, 2, 3],
    "order_items": [1, 2, 3, 4, 5],
    "payments": [1, 2, 3],
    "logins": [1, 2, 3, 4],
    "service_requests": [1, 3],
    "visits": [1],
    "reports": [1, 2],
    "admins": [1],
}
TAX = Keep("legal_obligation", "Tax Administration Act, s. 34")


class Collect:
    """Keeps each table's columns and the first column (the id) of its rows."""

    def __init__(self) -> None:
        self.columns: dict[str, list[str]] = {}
        self.ids: dict[str, list[Any]] = {}

    def table(self, name: str, columns: Sequence[str]) -> None:
        self.columns[name] = list(columns)
        self.ids[name] = []

    def rows(self, name: str, batch: Sequence[Sequence[Any]]) -> None:
        self.ids[name] += [row[0] for row in batch]


def test_access_follows_the_references_from_the_identity(external) -> None:
    store = registered(external)
    sink = Collect()
    result = store_access(actor="test", store=store, email="Lea.Tremblay@example.com", sink=sink)
    assert (result.outcome, result.failure) == ("done", None)
    assert {name: sorted(ids) for name, ids in sink.ids.items()} == LEA_ROWS
    assert {t.table: t.rows for t in result.tables} == {k: len(v) for k, v in LEA_ROWS.items()}
    assert sink.columns["customers"] == [
        "id", "email", "full_name", "phone", "preferred_language", "birth_date"
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="store.accessed")
    assert (event.object_id, event.payload) == (
        "crm",
        {
            "subject": email_digest(LEA),
            "outcome": "done",
            "code": "",
            "rows": {k: len(v) for k, v in LEA_ROWS.items()},
        },
    )


def _expected_after_lea(before: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[Any]]:
    kept_whole = {"orders", "payments"}
    expected = {
        name: [row for row in rows if name in kept_whole or row[0] not in LEA_ROWS[name]]
        for name, rows in before.items()
    }
    # Léa's customer row stays, anonymised: email and phone gone, the name replaced, the
    # birth date generalised to its year, the language kept (with its reason).
    expected["customers"] = [(1, None, "Anonymised", None, "fr", dt.date(1985, 1, 1)),
                             before["customers"][1]]  # fmt: skip
    return expected


def test_erasure_across_the_reference_graph(external) -> None:
    store = registered(external)
    before = fixture.snapshot(external.engine)
    result = store_erase(actor="test", store=store, email=LEA)
    assert (result.outcome, result.failure) == ("done", None)
    assert {t.table: (t.action, t.found, t.erased, t.anonymised, t.kept)
            for t in result.tables} == {
        "customers": ("anonymise", 1, 0, 1, 1),
        "addresses": ("delete", 2, 2, 0, 0),
        "orders": ("keep", 3, 0, 0, 3),
        "order_items": ("delete", 5, 5, 0, 0),
        "payments": ("keep", 3, 0, 0, 3),
        "logins": ("delete", 4, 4, 0, 0),
        "service_requests": ("delete", 2, 2, 0, 0),
        "visits": ("delete", 1, 1, 0, 0),
        "reports": ("delete", 2, 2, 0, 0),
        "admins": ("delete", 1, 1, 0, 0),
    }  # fmt: skip
    by_table = {t.table: t for t in result.tables}
    assert by_table["orders"].keep == TAX
    assert [(k.column, k.keep) for k in by_table["payments"].kept_columns] == [
        ("billing_email", TAX)
    ]
    order = [t.table for t in result.tables]
    for child, parent in [("order_items", "orders"), ("payments", "orders"),
                          ("reports", "service_requests"), ("orders", "customers"),
                          ("service_requests", "customers")]:  # fmt: skip
        assert order.index(child) < order.index(parent)
    assert fixture.snapshot(external.engine) == _expected_after_lea(before)
    event = AuditEvent.objects.get(action="store.erased")
    assert event.payload["subject"] == email_digest(LEA)
    assert (event.payload["outcome"], event.payload["code"]) == ("done", "")
    assert event.payload["tables"]["order_items"] == {
        "found": 5, "erased": 5, "anonymised": 0, "kept": 0
    }  # fmt: skip
    # Nothing of Léa can be reached any more; Bob is untouched.
    again = store_access(actor="test", store=store, email=LEA, sink=Collect())
    assert {t.table: t.rows for t in again.tables} == dict.fromkeys(LEA_ROWS, 0)
    bob = store_access(actor="test", store=store, email=BOB, sink=Collect())
    assert {t.table: t.rows for t in bob.tables}["order_items"] == 1


def test_a_not_null_column_set_to_null_rolls_the_whole_store_back(external) -> None:
    dataset = DATASET.replace(
        'field = "full_name"\nerase = "replace"\nvalue = "Anonymised"',
        'field = "full_name"\nerase = "null"',
    )
    assert dataset != DATASET
    store = registered(external, dataset)
    assert [(p["key"], p["code"], p["severity"]) for p in store.problems][-1] == (
        "tables.customers.columns.full_name.erase", "not_null_to_null", "warning"
    )  # fmt: skip
    before = fixture.snapshot(external.engine)
    result = store_erase(actor="test", store=store, email=LEA)
    assert result.outcome == "failed"
    assert result.tables == ()
    assert result.failure is not None
    assert (result.failure.code, result.failure.params["table"]) == (
        "statement_failed", "customers"
    )  # fmt: skip
    # customers comes last: every other table's statement had run, and is undone.
    assert fixture.snapshot(external.engine) == before
    event = AuditEvent.objects.get(action="store.erased")
    assert (event.payload["outcome"], event.payload["code"], event.payload["tables"]) == (
        "failed", "statement_failed", {}
    )  # fmt: skip


def test_the_re_query_catches_the_row_the_dataset_forgot(external) -> None:
    forgetful = DATASET.replace(
        '[tables.service_requests.columns.contact_email]\nidentifies = "email"\nfield = "email"\n',
        "",
    )
    assert forgetful != DATASET
    store = registered(external, forgetful)
    before = fixture.snapshot(external.engine)
    result = store_erase(actor="test", store=store, email=LEA)
    assert result.outcome == "failed"
    assert result.failure is not None
    assert result.failure.code == "remains"
    assert result.failure.params["places"] == [
        {"table": "service_requests", "column": "contact_email", "rows": 1}
    ]
    assert fixture.snapshot(external.engine) == before


class Batches(Collect):
    def __init__(self) -> None:
        super().__init__()
        self.sizes: dict[str, list[int]] = {}

    def rows(self, name: str, batch: Sequence[Sequence[Any]]) -> None:
        super().rows(name, batch)
        self.sizes.setdefault(name, []).append(len(batch))


def test_access_streams_rows_in_bounded_batches(external, monkeypatch) -> None:
    monkeypatch.setattr("omni_privacy.stores.access.BATCH_ROWS", 2)
    store = registered(external)
    sink = Batches()
    store_access(actor="test", store=store, email=LEA, sink=sink)
    assert sink.sizes["order_items"] == [2, 2, 1]
    assert sorted(sink.ids["order_items"]) == [1, 2, 3, 4, 5]


def test_a_store_never_checked_or_with_a_table_out_of_reach_is_refused(external) -> None:
    store = store_add(actor="test", name="crm", dialect=external.dialect, url=external.url,
                      dataset_text=DATASET)  # fmt: skip
    with pytest.raises(StoreInputError) as unchecked:
        store_erase(actor="test", store=store, email=LEA)
    assert [(p.key, p.code) for p in unchecked.value.problems] == [("store", "not_checked")]
    # admins without its identity column: nothing leads to it; it must not be skipped quietly.
    unreachable = DATASET.replace('[tables.admins.columns.email]\nidentifies = "email"\n'
                                  'field = "email"\n', "")  # fmt: skip
    assert unreachable != DATASET
    before = fixture.snapshot(external.engine)
    other = registered(external, unreachable, name="crm-2")
    with pytest.raises(StoreInputError) as refused:
        store_erase(actor="test", store=other, email=LEA)
    assert [(p.key, p.code) for p in refused.value.problems] == [
        ("tables.admins", "table_unreachable")
    ]
    assert fixture.snapshot(external.engine) == before
    assert not AuditEvent.objects.filter(action="store.erased").exists()
