"""The registry's set-based writers: the only code, with registry/services.py, that writes
holdings and people (tests/registry/test_table_owner.py enforces it).

The sync (intake), rights-request fulfilment (dsr) and the retention sweep call these for
their bulk work. Each writer runs **inside the caller's transaction** and opens none of its
own (no savepoint, no commit): the caller's atomic block, with its audit event, stays the
unit of work, and a statement costs what it cost before it moved here. Each refuses to run
outside a transaction, where a half-applied batch could be committed on its own.

The statements are chosen for speed (docs/benchmarks.md): one statement per batch, ids bound
as one parameter or one array per column, and on SQLite prepared statements run per row,
where a statement costs no round trip.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, cast

from django.db import connection, models
from django.db.models import Field
from django.utils import timezone

from omni_privacy.audit.services import audit_record
from omni_privacy.core.sql import in_values, plain_values_param, values_param
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import LIVE_STATES, Holding, Person


def _require_transaction(writer: str) -> None:
    if not connection.in_atomic_block:
        raise RuntimeError(f"{writer} must run inside the caller's transaction")


def _quote(name: str) -> str:
    return str(connection.ops.quote_name(name))


def _table(model: type[models.Model]) -> str:
    return _quote(model._meta.db_table)


def _field(name: str) -> Field[Any, Any]:
    return cast("Field[Any, Any]", Holding._meta.get_field(name))


def _execute(sql: str, ids: Sequence[int], *before: Any) -> list[tuple[Any, ...]]:
    """Run ``sql`` with ``before`` then the id list bound as one parameter; its rows, if any."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*before, values_param(ids)])
        return list(cursor.fetchall()) if cursor.description else []


# -- people ------------------------------------------------------------------------------------


def _inserted(objects: Sequence[models.Model]) -> bool:
    """Whether ``objects`` (all of one model) were inserted here, with their primary keys
    set: on PostgreSQL; elsewhere the caller runs bulk_create.

    On PostgreSQL the keys are drawn from the table's sequence in one statement and the rows
    sent by COPY, the plain attributes (dates, text, ids, UUIDs; JSON as text) written by
    psycopg's C row formatter, where Django's bulk_create compiles and adapts every value of
    every row (31 columns by 2,000 holdings a batch: a third of a first sync's time,
    docs/benchmarks.md)."""
    if connection.vendor != "postgresql":
        return False
    if not objects:
        return True
    model = type(objects[0])
    written = [f for f in model._meta.concrete_fields if not f.primary_key]
    json_columns = [i for i, f in enumerate(written) if f.db_type(connection) == "jsonb"]
    columns = ", ".join(_quote(f.column) for f in [model._meta.pk, *written])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.copy(f"COPY {_table(model)} ({columns}) FROM STDIN") as copy:
            for obj, pk in zip(objects, ids, strict=True):
                row = [f.pre_save(obj, True) for f in written]  # defaults and auto_now_add
                for i in json_columns:
                    row[i] = None if row[i] is None else json.dumps(row[i])
                copy.write_row([pk, *row])
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    return True


def people_for_digests(*, digests: Iterable[str]) -> dict[str, Person]:
    """The person of each keyed email digest, those not yet known created (one INSERT)."""
    _require_transaction("people_for_digests")
    wanted = sorted(set(digests))
    digest_column = f"{_table(Person)}.{_quote('email_digest')}"
    found = {
        person.email_digest: person
        for person in Person.objects.extra(  # noqa: S610 - no user SQL
            where=[in_values(digest_column)], params=[values_param(wanted)]
        )
    }
    missing = [Person(email_digest=digest) for digest in wanted if digest not in found]
    if not _inserted(missing):
        Person.objects.bulk_create(missing)
    found |= {person.email_digest: person for person in missing}
    return found


class PersonIds(NamedTuple):
    """The id of the person of each digest, and the digests of the people just created (who
    hold nothing yet: a caller need not look for their holdings)."""

    ids: dict[str, int]
    created: frozenset[str]


def person_ids_for_digests(*, digests: Iterable[str]) -> PersonIds:
    """The id of the person of each keyed email digest, those not yet known created: as
    ``people_for_digests`` without building a model instance a person. On PostgreSQL the new
    ones in one ``INSERT ... SELECT FROM unnest ... ON CONFLICT DO NOTHING`` (their public ids
    drawn by the server)."""
    _require_transaction("person_ids_for_digests")
    wanted = sorted(set(digests))
    if connection.vendor != "postgresql":
        before = set(
            Person.objects.filter(email_digest__in=wanted).values_list("email_digest", flat=True)
        )
        people_ids = {d: person.pk for d, person in people_for_digests(digests=wanted).items()}
        return PersonIds(people_ids, frozenset(wanted) - before)
    people = _table(Person)
    digest, pk = _quote("email_digest"), _quote("id")
    now = timezone.now()
    with connection.cursor() as cursor:
        # The new ones inserted first (a digest known, or inserted meanwhile by a transaction
        # that then commits, is skipped), then the others read: a first sync's digests are all
        # new, and reading them first cost a fifth of its time at a million people.
        cursor.execute(
            f"INSERT INTO {people} ({_quote('public_id')}, {digest}, "  # noqa: S608
            f"{_quote('created_at')}, {_quote('updated_at')}) "
            "SELECT gen_random_uuid(), d, %s, %s FROM unnest(%s::varchar[]) AS d "
            f"ON CONFLICT ({digest}) DO NOTHING RETURNING {pk}, {digest}",
            [now, now, plain_values_param(wanted)],
        )
        found: dict[str, int] = {row[1]: row[0] for row in cursor.fetchall()}
        created = frozenset(found)
        known = [d for d in wanted if d not in found]
        if known:
            cursor.execute(
                f"SELECT {pk}, {digest} FROM {people} WHERE {digest} = ANY(%s)",  # noqa: S608
                [plain_values_param(known)],
            )
            found |= {row[1]: row[0] for row in cursor.fetchall()}
    return PersonIds(found, created)


def people_delete_unheld(*, person_ids: Sequence[int]) -> int:
    """Delete the people among ``person_ids`` left with no holding at all (their keyed email
    digest goes with them), set-based; how many. Rows elsewhere that point to a person follow
    their on_delete: SET_NULL as one UPDATE per relation; any other rule through Django's
    collector (slower, but it applies CASCADE and PROTECT exactly)."""
    _require_transaction("people_delete_unheld")
    if not person_ids:
        return 0
    people = _table(Person)
    orphans = [
        int(str(row[0]))
        for row in _execute(
            f"SELECT p.id FROM {people} p WHERE p.{in_values(_quote('id'))} AND NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {_table(Holding)} h WHERE h.{_quote('person_id')} = p.id)",
            person_ids,
        )
    ]
    if not orphans:
        return 0
    relations = [
        relation
        for relation in Person._meta.related_objects
        if relation.related_model is not Holding
    ]
    if any(relation.on_delete is not models.SET_NULL for relation in relations):
        _count, by_model = Person.objects.filter(id__in=orphans).delete()
        return int(by_model.get(Person._meta.label, 0))
    for relation in relations:
        column = relation.field.column
        related = cast("type[models.Model]", relation.related_model)
        _execute(
            f"UPDATE {_table(related)} SET {_quote(column)} = NULL "  # noqa: S608
            f"WHERE {in_values(_quote(column))}",
            orphans,
        )
    _execute(f"DELETE FROM {people} WHERE {in_values(_quote('id'))}", orphans)  # noqa: S608
    return len(orphans)


# -- holdings ----------------------------------------------------------------------------------


def _json_text() -> Callable[[Any], str | None]:
    """``json.dumps``, remembering lists of strings (a batch's holdings share a few lists of
    roles)."""
    known: dict[tuple[str, ...], str] = {}

    def as_json(value: Any) -> str | None:
        if value is None:
            return None
        if type(value) is list and all(type(item) is str for item in value):
            key = tuple(value)
            text = known.get(key)
            if text is None:
                text = known[key] = json.dumps(value)
            return text
        return json.dumps(value)

    return as_json


def holdings_insert(
    *, fixed: Mapping[str, Any], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[uuid.UUID]:
    """Insert one new holding per row of ``rows`` (its values of the fields ``columns``, in
    that order, named by attribute: ``person_id``, not ``person``), each with the ``fixed``
    field values, the timestamps now and any other field its default; their public ids,
    drawn here, in the order of ``rows``.

    New holdings without a model instance a row: a first sync writes a million
    holdings that differ in a few fields, and building each as a Holding cost a third of its
    time (docs/benchmarks.md). On PostgreSQL the rows go by COPY, their keys drawn by the
    server; elsewhere the instances are built and bulk-created."""
    _require_transaction("holdings_insert")
    written = [f for f in Holding._meta.concrete_fields if not f.primary_key]
    refused = (set(columns) | set(fixed)) - ({f.attname for f in written} - {"public_id"})
    if refused:
        raise ValueError(f"not fields a caller gives: {sorted(refused)}")
    if not rows:
        return []
    public_ids = [uuid.uuid4() for _row in rows]
    if connection.vendor != "postgresql":
        built = [
            Holding(public_id=public_id, **fixed, **dict(zip(columns, row, strict=True)))
            for public_id, row in zip(public_ids, rows, strict=True)
        ]
        Holding.objects.bulk_create(built)
        return public_ids
    now = timezone.now()
    template: list[Any] = []  # the written fields in order (the key: the column's default)
    varying: list[tuple[int, int]] = []  # (place in the row sent, place in a caller's row)
    json_places = []
    for f in written:
        place = len(template)
        if f.db_type(connection) == "jsonb":
            json_places.append(place)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            template.append(now)  # as bulk_create's pre_save sets them, whatever is given
        elif f.attname in columns:
            varying.append((place, list(columns).index(f.attname)))
            template.append(None)
        elif f.attname in fixed:
            template.append(fixed[f.attname])
        else:
            template.append(f.get_default())
    public_place = [f.name for f in written].index("public_id")
    constant_json = [p for p in json_places if p not in {place for place, _i in varying}]
    varying_json = [p for p in json_places if p not in constant_json]
    for place in constant_json:
        template[place] = None if template[place] is None else json.dumps(template[place])
    names = ", ".join(_quote(f.column) for f in written)
    as_json = _json_text()
    # No key sent: the server draws each from the identity column, as an INSERT would.
    copying = f"COPY {_table(Holding)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(copying) as copy:
        write = copy.write_row
        for public_id, row in zip(public_ids, rows, strict=True):
            sent = template.copy()
            sent[public_place] = public_id
            for place, index in varying:
                sent[place] = row[index]
            for place in varying_json:
                sent[place] = as_json(sent[place])
            write(sent)
    return public_ids


def holdings_write(*, holdings: Sequence[Holding], fields: Sequence[str]) -> None:
    """Write the columns ``fields`` of ``holdings`` as their attributes hold them: one statement
    on PostgreSQL (``UPDATE ... FROM unnest(arrays)``), one prepared UPDATE run per row on
    SQLite, where statements cost no round trip. Django's bulk_update builds a CASE per row
    and column instead."""
    _require_transaction("holdings_write")
    if not holdings:
        return
    written = [_field(name) for name in fields]
    table = _table(Holding)
    columns = [_quote(f.column) for f in written]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                [
                    [f.get_db_prep_save(getattr(h, f.attname), connection) for f in written]
                    + [h.pk]
                    for h in holdings
                ],
            )
            return
        # One array per column (16 parameters, not 16 per row): psycopg has little to parse,
        # and the planner, expecting few rows from unnest, probes the primary key. The values
        # are the plain attributes (dates, text, ids); JSON goes as text, cast by the server.
        arrays: list[str] = ["%s::bigint[]"]
        values: list[list[Any]] = [[h.pk for h in holdings]]
        for f in written:
            kind = f.db_type(connection)
            column = [getattr(h, f.attname) for h in holdings]
            if kind == "jsonb":
                arrays.append("%s::text[]::jsonb[]")
                values.append([json.dumps(value) for value in column])
            else:
                arrays.append(f"%s::{kind}[]")
                values.append(column)
        assignments = ", ".join(f"{column} = v.{column}" for column in columns)
        cursor.execute(
            f"UPDATE {table} AS h SET {assignments} FROM unnest({', '.join(arrays)}) "  # noqa: S608
            f"AS v(id, {', '.join(columns)}) WHERE h.id = v.id",
            values,
        )


def holdings_set_columns(
    *, ids: Sequence[int], fixed: Mapping[str, Any], varying: Mapping[str, Sequence[Any]]
) -> None:
    """Set ``fixed`` columns to one value and ``varying`` ones to a value per id, on holdings
    ``ids``: one ``UPDATE ... FROM unnest(arrays)`` on PostgreSQL, one prepared UPDATE run per
    row on SQLite."""
    _require_transaction("holdings_set_columns")
    if not ids:
        return
    table = _table(Holding)
    constants = [(_field(name), value) for name, value in fixed.items()]
    columns = [(_field(name), values) for name, values in varying.items()]
    set_fixed = [f"{_quote(f.column)} = %s" for f, _value in constants]
    fixed_params = [f.get_db_prep_save(value, connection) for f, value in constants]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join([*set_fixed, *(f"{_quote(f.column)} = %s" for f, _ in columns)])
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                [
                    [*fixed_params, *(f.get_db_prep_save(v[i], connection) for f, v in columns),
                     row_id]
                    for i, row_id in enumerate(ids)
                ],
            )  # fmt: skip
            return
        names = [_quote(f.column) for f, _ in columns]
        arrays = ["%s::bigint[]", *(f"%s::{f.db_type(connection)}[]" for f, _ in columns)]
        assignments = ", ".join([*set_fixed, *(f"{name} = v.{name}" for name in names)])
        cursor.execute(
            f"UPDATE {table} AS h SET {assignments} FROM unnest({', '.join(arrays)}) "  # noqa: S608
            f"AS v(id, {', '.join(names)}) WHERE h.id = v.id",
            [*fixed_params, list(ids), *(list(values) for _f, values in columns)],
        )


def holdings_rectify_from(
    *,
    relation: str,
    holding_column: str,
    values: Mapping[str, str],
    where: str,
    params: Sequence[Any],
    now: dt.datetime,
) -> None:
    """Rectify holdings from rows of ``relation`` (a table of the caller's transaction, such as
    the sync's staging table) in one statement: each holding whose id is the row's
    ``holding_column``, among the rows matching ``where`` (SQL over alias ``c``, bound to
    ``params``), takes the row's column ``values[field]`` for each holding ``field``, and
    ``updated_at = now``. The caller records the audit event that names the holdings and the
    fields, in the same transaction. ``relation``, ``holding_column``, ``where`` and the
    column names are the caller's SQL, never input."""
    _require_transaction("holdings_rectify_from")
    table = _table(Holding)
    assignments = ", ".join(
        f"{_quote(_field(name).column)} = c.{column}" for name, column in values.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS h SET {assignments}, updated_at = %s "  # noqa: S608
            f"FROM {relation} c WHERE c.{holding_column} = h.id AND {where}",
            [connection.ops.adapt_datetimefield_value(now), *params],
        )


def holdings_rectify(
    *, actor: str, person: Person, values: Mapping[str, str], rights_request: str, on: dt.date
) -> int:
    """Apply corrected ``values`` (already normalised) to every live holding of ``person`` whose
    source may hold the field (the policy file's fields; notice §9.1: rectification), locking
    them; one ``holding.rectified`` audit event per holding changed, naming the fields, never
    the values. How many holdings changed."""
    _require_transaction("holdings_rectify")
    policy = active_policy()
    changed = 0
    for holding in Holding.objects.select_for_update().filter(person=person, state__in=LIVE_STATES):
        allowed = set(policy.sources[holding.source].fields)
        fields = [
            name for name in values if name in allowed and getattr(holding, name) != values[name]
        ]
        if not fields:
            continue
        for name in fields:
            setattr(holding, name, values[name])
        holding.save(update_fields=[*fields, "updated_at"])
        changed += 1
        audit_record(
            actor=actor,
            action="holding.rectified",
            object_type="holding",
            object_id=str(holding.public_id),
            payload={"rights_request": rights_request, "fields": fields, "on": on.isoformat()},
        )
    return changed


def holdings_delete(*, ids: Sequence[int]) -> None:
    """Delete holdings ``ids`` with every value they hold: one statement while nothing refers
    to a holding; through Django's collector (which applies each on_delete) the day a model
    does."""
    _require_transaction("holdings_delete")
    if Holding._meta.related_objects:
        Holding.objects.filter(id__in=ids).delete()
        return
    _execute(f"DELETE FROM {_table(Holding)} WHERE {in_values(_quote('id'))}", ids)  # noqa: S608
