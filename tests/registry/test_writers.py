"""The registry's set-based writers on a real database: exactly the rows and columns named,
inside the caller's transaction, and never outside one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.digest import email_digest
from omni_privacy.registry.models import Holding, HoldingState, Person
from omni_privacy.registry.writers import (
    holdings_delete,
    holdings_insert,
    holdings_rectify,
    holdings_rectify_from,
    holdings_set_columns,
    holdings_write,
    people_delete_unheld,
    people_for_digests,
    person_ids_for_digests,
)
from tests.registry.test_services import organization, sales_contact, service_call

TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 14, 30, tzinfo=dt.UTC)


def _two_holdings() -> tuple[Holding, Holding]:
    from omni_privacy.registry.services import holding_record

    org = organization()
    first = holding_record(actor="cli", organization=org, candidate=service_call(), today=TODAY)
    other = service_call(email="alex.martin@example.org", full_name="Alex Martin")
    second = holding_record(actor="cli", organization=org, candidate=other, today=TODAY)
    return first, second


WRITERS: list[tuple[str, Callable[[], Any]]] = [
    ("people_for_digests", lambda: people_for_digests(digests=["x"])),
    ("person_ids_for_digests", lambda: person_ids_for_digests(digests=["x"])),
    ("people_delete_unheld", lambda: people_delete_unheld(person_ids=[1])),
    ("holdings_insert", lambda: holdings_insert(fixed={}, columns=[], rows=[])),
    ("holdings_write", lambda: holdings_write(holdings=[], fields=["full_name"])),
    ("holdings_set_columns", lambda: holdings_set_columns(ids=[1], fixed={}, varying={})),
    (
        "holdings_rectify_from",
        lambda: holdings_rectify_from(
            relation="t", holding_column="id", values={}, where="1 = 1", params=[], now=NOW
        ),
    ),
    (
        "holdings_rectify",
        lambda: holdings_rectify(
            actor="cli", person=Person(), values={}, rights_request="r", on=TODAY
        ),
    ),
    ("holdings_delete", lambda: holdings_delete(ids=[1])),
]


# No database access is allowed here (no django_db mark): the refusal comes before any
# statement, so a writer called outside a transaction cannot have written anything.
@pytest.mark.parametrize(("name", "call"), WRITERS, ids=[name for name, _ in WRITERS])
def test_a_writer_refuses_to_run_outside_a_transaction(name: str, call: Callable[[], Any]) -> None:
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError) as refused:
        call()
    assert str(refused.value) == f"{name} must run inside the caller's transaction"


@pytest.mark.django_db
def test_set_columns_writes_the_named_holdings_only() -> None:
    first, second = _two_holdings()
    holdings_set_columns(
        ids=[first.pk],
        fixed={"state": HoldingState.PENDING_DELETION, "role_removed_at": TODAY},
        varying={"due_at": [dt.date(2027, 1, 1)], "retention_rule": ["software_role_removed"]},
    )
    rows = Holding.objects.order_by("pk").values_list(
        "state", "role_removed_at", "due_at", "retention_rule", "full_name"
    )
    assert list(rows) == [
        (
            "pending_deletion",
            TODAY,
            dt.date(2027, 1, 1),
            "software_role_removed",
            "Camille Tremblay",
        ),
        ("active", None, None, "", "Alex Martin"),
    ]
    assert second.pk != first.pk


@pytest.mark.django_db
def test_write_stores_the_named_attributes_and_nothing_else() -> None:
    first, second = _two_holdings()
    first.full_name, first.roles, first.phone = "Camille T.", ["update_notice_subscriber"], "x"
    holdings_write(holdings=[first], fields=["full_name", "roles"])
    rows = Holding.objects.order_by("pk").values_list("full_name", "roles", "phone")
    assert list(rows) == [
        ("Camille T.", ["update_notice_subscriber"], "+15145550100"),
        ("Alex Martin", [], "+15145550100"),
    ]
    assert second.full_name == "Alex Martin"


@pytest.mark.django_db
def test_rectify_from_copies_the_matching_rows_of_the_callers_table() -> None:
    first, second = _two_holdings()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE omni_test_fixes (holding_id bigint, name text, "
            "language varchar(2), wanted boolean)"
        )
        cursor.execute(
            "INSERT INTO omni_test_fixes VALUES (%s, 'Camille Roy', 'en', %s), "
            "(%s, 'Alex Roy', 'en', %s)",
            [first.pk, True, second.pk, False],
        )
    holdings_rectify_from(
        relation="omni_test_fixes",
        holding_column="holding_id",
        values={"full_name": "name", "preferred_language": "language"},
        where="c.wanted = %s",
        params=[True],
        now=NOW,
    )
    rows = Holding.objects.order_by("pk").values_list("full_name", "preferred_language")
    assert list(rows) == [("Camille Roy", "en"), ("Alex Martin", "fr")]
    assert Holding.objects.get(pk=first.pk).updated_at == NOW
    assert Holding.objects.get(pk=second.pk).updated_at != NOW


@pytest.mark.django_db
def test_rectify_changes_only_the_fields_that_differ_with_one_event_each() -> None:
    from omni_privacy.registry.services import holding_record

    first, _second = _two_holdings()
    assert first.person is not None
    sales = holding_record(
        actor="cli",
        organization=organization("prospect", ()),
        candidate=sales_contact(),
        today=TODAY,
    )
    before = AuditEvent.objects.count()
    changed = holdings_rectify(
        actor="officer",
        person=first.person,
        values={"full_name": "Camille Roy", "preferred_language": "fr"},
        rights_request="3f1c",
        on=TODAY,
    )
    assert changed == 2
    values = Holding.objects.filter(person=first.person).order_by("pk")
    assert list(values.values_list("full_name", "preferred_language")) == [
        ("Camille Roy", "fr"),
        ("Camille Roy", "fr"),
    ]
    events = AuditEvent.objects.filter(sequence__gt=before).order_by("sequence")
    assert [(e.action, e.object_id, e.payload) for e in events] == [
        (
            "holding.rectified",
            str(first.public_id),
            {"rights_request": "3f1c", "fields": ["full_name"], "on": "2026-11-25"},
        ),
        (
            "holding.rectified",
            str(sales.public_id),
            {
                "rights_request": "3f1c",
                "fields": ["full_name", "preferred_language"],
                "on": "2026-11-25",
            },
        ),
    ]


@pytest.mark.django_db
def test_people_are_found_created_and_deleted_only_when_unheld() -> None:
    first, _second = _two_holdings()
    new = email_digest("dominique.roy@example.com")
    found = people_for_digests(digests=[first.person.email_digest, new])  # type: ignore[union-attr]
    assert sorted(found) == sorted([first.person.email_digest, new])  # type: ignore[union-attr]
    assert found[first.person.email_digest] == first.person  # type: ignore[union-attr]
    assert Person.objects.count() == 3
    assert people_delete_unheld(person_ids=[first.person_id, found[new].pk]) == 1  # type: ignore[list-item]
    assert set(Person.objects.values_list("email_digest", flat=True)) == {
        first.person.email_digest,  # type: ignore[union-attr]
        email_digest("alex.martin@example.org"),
    }


@pytest.mark.django_db
def test_delete_removes_the_named_holdings() -> None:
    first, second = _two_holdings()
    with transaction.atomic():
        holdings_delete(ids=[first.pk])
    assert list(Holding.objects.values_list("pk", flat=True)) == [second.pk]


@pytest.mark.django_db
def test_insert_stores_the_rows_and_fixed_values_as_create_would() -> None:
    first, _second = _two_holdings()
    org, person = first.organization, first.person
    assert person is not None
    fixed = {
        "organization_id": org.pk, "source": "software_profile", "purpose": "service",
        "legal_basis": "contract", "channel": "monthly_sync", "collected_at": TODAY,
    }  # fmt: skip
    columns = ("person_id", "full_name", "email", "roles", "due_at", "source_key", "state")
    rows = [
        (person.pk, "Zoé O'Neil\\n", "zoe@example.com",
         ["update_notice_subscriber", "l'administrateur \\ \t tab"], dt.date(2027, 1, 24),
         "k" * 64, HoldingState.PENDING_DELETION),
        (None, None, None, [], None, None, HoldingState.ACTIVE),
    ]  # fmt: skip
    expected = [Holding(**fixed, **dict(zip(columns, row, strict=True))) for row in rows]
    before = NOW - dt.timedelta(days=1)
    with transaction.atomic():
        public_ids = holdings_insert(fixed=fixed, columns=columns, rows=rows)
    assert len(set(public_ids)) == 2
    for public_id, holding in zip(public_ids, expected, strict=True):
        stored = Holding.objects.get(public_id=public_id)
        for field in Holding._meta.concrete_fields:
            if field.name in ("id", "public_id"):
                continue
            if field.name in ("created_at", "updated_at"):
                assert getattr(stored, field.attname) > before
                continue
            assert getattr(stored, field.attname) == getattr(holding, field.attname), field.name
    assert stored.pk > first.pk  # keys from the table's own sequence


@pytest.mark.django_db
def test_insert_refuses_what_is_not_a_field_a_caller_gives() -> None:
    with transaction.atomic(), pytest.raises(ValueError, match="person"):
        holdings_insert(fixed={}, columns=["person"], rows=[(None,)])
    with transaction.atomic(), pytest.raises(ValueError, match="public_id"):
        holdings_insert(fixed={"public_id": None}, columns=[], rows=[()])


@pytest.mark.django_db
def test_new_people_get_their_keys_and_are_found_again() -> None:
    digests = [email_digest(f"person{n}@example.com") for n in range(3)]
    with transaction.atomic():
        created = people_for_digests(digests=digests)
        again = people_for_digests(digests=digests)
    assert {d: p.pk for d, p in created.items()} == {d: p.pk for d, p in again.items()}
    assert all(person.pk is not None for person in created.values())
    assert Person.objects.count() == 3


@pytest.mark.django_db
def test_person_ids_are_those_of_the_people_found_or_created() -> None:
    first, _second = _two_holdings()
    known = first.person.email_digest  # type: ignore[union-attr]
    new = [email_digest(f"person{n}@example.com") for n in range(3)]
    with transaction.atomic():
        ids, created = person_ids_for_digests(digests=[known, *new, new[0]])
        again = people_for_digests(digests=[known, *new])
    assert ids == {digest: person.pk for digest, person in again.items()}
    assert created == frozenset(new)
    assert ids[known] == first.person_id
    stored = Person.objects.filter(email_digest__in=new)
    assert stored.count() == 3
    assert all(p.public_id and p.created_at and p.updated_at for p in stored)
    assert len({p.public_id for p in stored}) == 3
