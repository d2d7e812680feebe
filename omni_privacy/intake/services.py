"""The monthly sync: apply one customer instance's user-profile snapshot to the registry
(notice §2.4 scenario 1; diff semantics in intake/domain/diff.py).

All or nothing: the whole snapshot is applied in one transaction, and any problem (a bad line,
an address the collection gate refuses) rolls it back; the refusal is then recorded on its own
(a failed SyncRun and a ``sync.failed`` audit event naming lines and fields, never values).
Only the people with one of the three roles are stored, with only their full name, email and
preferred language; other columns and other people are read and forgotten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any, BinaryIO, cast

from django.db import connection, transaction
from django.db.models import Exists, Field, OuterRef, QuerySet

from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.core.digest import email_digest, profile_key
from omni_privacy.intake.domain.diff import (
    Change,
    HeldProfile,
    Profile,
    changed_fields,
    flagged_roles,
    profile_change,
)
from omni_privacy.intake.domain.snapshot import (
    SnapshotError,
    SnapshotProblem,
    SnapshotRow,
    read_snapshot,
)
from omni_privacy.intake.models import SeenProfile, SyncOrigin, SyncRun, SyncStatus
from omni_privacy.intake.pull import TIMEOUT_SECONDS, PullError, fetch_snapshot
from omni_privacy.policy.domain.schema import Policy
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.domain.facts import OrganizationFacts
from omni_privacy.registry.domain.gate import HoldingCandidate, check_holding
from omni_privacy.registry.models import (
    LIVE_STATES,
    Holding,
    HoldingState,
    Instance,
    Person,
)
from omni_privacy.registry.retention_columns import apply_decision
from omni_privacy.registry.selectors import organization_facts

SOURCE = "software_profile"
PURPOSE = "communication_obligations"
LEGAL_BASIS = "contract"
CHANNEL = "monthly_sync"
BATCH = 2000
ANALYZE_EVERY = 25  # batches: every 50,000 rows
MAX_PROBLEMS = 50
_WRITTEN = ("full_name", "email", "preferred_language", "roles", "person", "role_removed_at",
            "state", "instance", "source_key", "due_at", "deadline_at", "retention_rule",
            "retention_action", "updated_at")  # fmt: skip


def _update(holdings: list[Holding]) -> None:
    """Write the sync's columns of ``holdings``: one parameterised UPDATE run for every row
    (``executemany``), where Django's bulk_update builds a CASE per row and column."""
    if not holdings:
        return
    fields = [cast("Field[Any, Any]", Holding._meta.get_field(name)) for name in _WRITTEN]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    table = connection.ops.quote_name(Holding._meta.db_table)
    rows = [
        [f.get_db_prep_save(getattr(h, f.attname), connection) for f in fields] + [h.pk]
        for h in holdings
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)  # noqa: S608


class SyncRefusedError(Exception):
    """The snapshot was not applied; ``run`` records the refusal and ``problems`` say why."""

    def __init__(self, run: SyncRun, problems: tuple[SnapshotProblem, ...]) -> None:
        self.run = run
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class SyncReport:
    run_id: uuid.UUID
    instance: str
    as_of: dt.date
    rows: int
    counts: dict[str, int]
    file_sha256: str


class _Hashed:
    """The stream's lines, hashed as they are read (the summary names the file by its hash)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.sha256 = hashlib.sha256()

    def __iter__(self) -> Iterator[bytes]:
        for line in self._stream:
            self.sha256.update(line)
            yield line

    def drain(self) -> str:
        for _line in self:
            pass
        return self.sha256.hexdigest()


def _batched(items: Iterable[Any], size: int) -> Iterator[tuple[Any, ...]]:
    """``itertools.batched`` (Python 3.12) for 3.11."""
    iterator = iter(items)
    while batch := tuple(islice(iterator, size)):
        yield batch


def _language(value: str) -> str | None:
    """Instances say ``fr``, ``fr-CA`` or ``FR``; Omni writes in French or English only, so any
    other language is not kept (the person is written to in French, the notice's first)."""
    code = value.strip().lower()[:2]
    return code if code in ("fr", "en") else None


@dataclass
class _Batch:
    """One batch's state while it is applied."""

    run: SyncRun
    instance: Instance
    facts: OrganizationFacts
    as_of: dt.date
    counts: Counter[str]
    problems: list[SnapshotProblem]


def _offer(
    row: SnapshotRow, roles: tuple[str, ...], policy: Policy, work: _Batch
) -> Profile | None:
    """The row as the registry would keep it, through the collection gate; None when the gate
    refuses it (its problems are added: fields, not values)."""
    result = check_holding(
        HoldingCandidate(
            source=SOURCE,
            purpose=PURPOSE,
            legal_basis=LEGAL_BASIS,
            channel=CHANNEL,
            collected_at=work.as_of,
            full_name=row.full_name,
            email=row.email,
            preferred_language=_language(row.preferred_language),
            roles=roles,
        ),
        policy,
        work.facts,
        today=work.as_of,
    )
    if result.accepted is None:
        work.problems.extend(
            SnapshotProblem(row.line, error.field.removeprefix("person."), error.message)
            for error in result.errors
        )
        return None
    accepted = result.accepted
    return Profile(accepted.full_name, accepted.email, accepted.preferred_language, roles)


def _people(profiles: Iterable[Profile]) -> dict[str, Person]:
    """The person of each address (by keyed digest), created when new."""
    digests = {email_digest(profile.email) for profile in profiles}
    found = {
        person.email_digest: person for person in Person.objects.filter(email_digest__in=digests)
    }
    missing = digests - set(found)
    if missing:
        Person.objects.bulk_create([Person(email_digest=digest) for digest in sorted(missing)])
        found |= {p.email_digest: p for p in Person.objects.filter(email_digest__in=missing)}
    return found


def _held_profile(holding: Holding) -> HeldProfile:
    return HeldProfile(
        Profile(
            holding.full_name,
            holding.email or "",
            holding.preferred_language,
            tuple(holding.roles or ()),
        ),
        holding.role_removed_at,
    )


_HELD = ("id", "source_key", "full_name", "email", "preferred_language", "roles")


def _unchanged(row: SnapshotRow, roles: tuple[str, ...], held: tuple[Any, ...]) -> bool:
    """The row says exactly what is held (which passed the gate when it was stored): nothing to
    check or write. Most rows of a monthly snapshot are such rows."""
    _id, _key, full_name, email, language, held_roles = held
    return (
        held_roles == list(roles)
        and email == row.email.strip()
        and full_name == " ".join(row.full_name.split())
        and language == _language(row.preferred_language)
    )


def _apply_batch(rows: tuple[SnapshotRow, ...], policy: Policy, work: _Batch) -> None:
    allowed = policy.sources[SOURCE].roles
    keyed = [(profile_key(work.instance.pk, row.user_id), row) for row in rows]
    profile_rows = Holding.objects.filter(
        organization_id=work.instance.organization_id, source=SOURCE, state__in=LIVE_STATES
    )
    # A key names one instance's user: look it up by (instance, key), the sync's index.
    keyed_rows = profile_rows.filter(instance=work.instance)
    held_now = {
        values[1]: values
        for values in keyed_rows.filter(
            source_key__in=[key for key, _row in keyed], role_removed_at__isnull=True
        ).values_list(*_HELD)
    }
    seen: list[str] = []
    offered: dict[str, tuple[SnapshotRow, Profile]] = {}
    unflagged: list[str] = []
    for key, row in keyed:
        roles = flagged_roles(row.roles, allowed)
        if not roles:
            unflagged.append(key)
        elif key in held_now and _unchanged(row, roles, held_now[key]):
            seen.append(key)
            work.counts[Change.UNCHANGED] += 1
        elif (profile := _offer(row, roles, policy, work)) is not None:
            seen.append(key)
            offered[key] = (row, profile)
    if work.problems:
        return  # refused anyway: validate the rest, write nothing more
    _mark_seen(work.run, seen)
    held_any = keyed_rows.filter(source_key__in=[*offered, *unflagged])
    held = {h.source_key: h for h in held_any.select_related("person")}
    # Not flagged and not held: read and forgotten. (Held and not flagged: _schedule_unseen.)
    work.counts[Change.IGNORED] += sum(1 for key in unflagged if key not in held)
    if offered:
        _apply_offered(offered, held, profile_rows, work)


def _mark_seen(run: SyncRun, keys: list[str]) -> None:
    """One statement for the batch's keys (an array on PostgreSQL, JSON on SQLite)."""
    if not keys:
        return
    table = connection.ops.quote_name(SeenProfile._meta.db_table)
    if connection.vendor == "postgresql":
        sql = f"INSERT INTO {table} (run_id, source_key) SELECT %s, unnest(%s::text[])"
        keys_param: Any = keys
    else:
        sql = f"INSERT INTO {table} (run_id, source_key) SELECT %s, value FROM json_each(%s)"  # noqa: S608
        keys_param = json.dumps(keys)
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.pk, keys_param])


def _apply_offered(
    offered: dict[str, tuple[SnapshotRow, Profile]],
    held: dict[str | None, Holding],
    profile_rows: QuerySet[Holding],
    work: _Batch,
) -> None:
    people = _people(profile for _row, profile in offered.values())
    person_ids = [person.pk for person in people.values()]
    # A live profile of the same person in this organisation not yet keyed (imported before
    # the first sync) is adopted rather than duplicated; one keyed to another user of the
    # export (two profiles with one address) keeps the person, and the later profile is
    # ignored: the registry holds one software profile per person and organisation.
    keyless = {
        h.person_id: h for h in profile_rows.filter(source_key__isnull=True, person__in=person_ids)
    }
    taken = {
        h.person_id: h.source_key
        for h in profile_rows.filter(source_key__isnull=False, person__in=person_ids)
    }
    writes = _Writes()
    for key, (_row, profile) in offered.items():
        holding = held.get(key)
        person = people[email_digest(profile.email)]
        if taken.get(person.pk, key) != key:
            work.counts[Change.IGNORED] += 1
            continue
        taken[person.pk] = key
        adopted = holding is None and person.pk in keyless
        if adopted:
            holding = keyless.pop(person.pk)
        change = profile_change(_held_profile(holding) if holding else None, profile)
        if adopted and change == Change.UNCHANGED:
            change = Change.UPDATED  # it gains its key and instance
        work.counts[change] += 1
        if change != Change.UNCHANGED:
            writes.add(change, holding, key=key, person=person, profile=profile, work=work)
    writes.save(work)


@dataclass
class _Writes:
    """What one batch creates and updates, and what its audit event lists."""

    created: list[Holding] = field(default_factory=list)
    updated: list[Holding] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    rectified: dict[str, list[str]] = field(default_factory=dict)
    left_people: set[int] = field(default_factory=set)

    def add(
        self,
        change: Change,
        holding: Holding | None,
        *,
        key: str,
        person: Person,
        profile: Profile,
        work: _Batch,
    ) -> None:
        if holding is None:
            holding = Holding(
                organization_id=work.instance.organization_id, source=SOURCE, purpose=PURPOSE,
                legal_basis=LEGAL_BASIS, channel=CHANNEL, collected_at=work.as_of,
            )  # fmt: skip
            self.created.append(holding)
            self.added.append(str(holding.public_id))
        else:
            self.updated.append(holding)
            if change == Change.RESTORED:
                self.restored.append(str(holding.public_id))
            else:
                fields = changed_fields(_held_profile(holding).profile, profile)
                self.rectified[str(holding.public_id)] = list(fields)
            if holding.person_id is not None and holding.person_id != person.pk:
                self.left_people.add(holding.person_id)  # a new address: another person
        holding.instance, holding.source_key, holding.person = work.instance, key, person
        holding.full_name, holding.email = profile.full_name, profile.email
        holding.preferred_language, holding.roles = profile.preferred_language, list(profile.roles)
        holding.role_removed_at, holding.state = None, HoldingState.ACTIVE
        holding.updated_at = clock.now()
        apply_decision(holding, work.facts, as_of=work.as_of)

    def save(self, work: _Batch) -> None:
        Holding.objects.bulk_create(self.created)
        _update(self.updated)
        if self.left_people:
            # Whoever an address change left with no holding goes, with their keyed digest.
            Person.objects.filter(id__in=self.left_people, holdings__isnull=True).delete()
        if self.created or self.updated:
            _audit_changes(
                work, {"added": self.added, "restored": self.restored, "updated": self.rectified}
            )


def _audit_changes(work: _Batch, listed: dict[str, Any]) -> None:
    """One event per batch: the holdings added, restored, and rectified from the source (with
    the names of the fields that changed), by public id only."""
    audit_record(
        actor=work.run.actor,
        action="sync.batch",
        object_type="sync_run",
        object_id=str(work.run.public_id),
        payload={"instance": work.instance.code, **listed},
    )


def _schedule_unseen(work: _Batch) -> None:
    """Profiles held from this instance that the snapshot no longer flags (roles removed, or
    the user gone): pending deletion, with the sync's day as the role-removal day (notice §4
    ¶1: deleted within 60 days)."""
    # NOT EXISTS, an anti-join: NOT IN over a large subquery is quadratic on PostgreSQL once
    # the keys no longer fit in work_mem.
    seen = SeenProfile.objects.filter(run=work.run, source_key=OuterRef("source_key"))
    unseen = (
        Holding.objects.filter(
            instance=work.instance,
            source=SOURCE,
            state__in=LIVE_STATES,
            source_key__isnull=False,
            role_removed_at__isnull=True,
        )
        .exclude(Exists(seen))
        .select_related("person")
        .order_by("id")
    )
    last = 0
    while chunk := list(unseen.filter(id__gt=last)[:BATCH]):
        last = chunk[-1].id
        for holding in chunk:
            holding.roles, holding.role_removed_at = [], work.as_of
            holding.state = HoldingState.PENDING_DELETION
            holding.updated_at = clock.now()
            apply_decision(holding, work.facts, as_of=work.as_of)
        _update(chunk)
        work.counts[Change.SCHEDULED] += len(chunk)
        audit_record(
            actor=work.run.actor,
            action="sync.batch",
            object_type="sync_run",
            object_id=str(work.run.public_id),
            payload={
                "instance": work.instance.code,
                Change.SCHEDULED.value: [str(holding.public_id) for holding in chunk],
            },
        )


def _refresh_statistics() -> None:
    """A first sync inserts a million rows in one transaction: without fresh statistics the
    planner keeps costing the tables as empty and scans them whole for every batch (quadratic).
    PostgreSQL's ANALYZE may run in the transaction and counts its own inserted rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Holding, Person, SeenProfile):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _refuse_unsubscribed(facts: OrganizationFacts, as_of: dt.date) -> None:
    if not facts.subscribed_on(as_of):
        message = (
            f"the organisation has no subscription on {as_of}: no software profile can be "
            "collected (notice §2.1 ¶2)"
        )
        raise SnapshotError((SnapshotProblem(None, "organization", message),))


def _apply(
    instance: Instance, stream: _Hashed, *, fmt: str, as_of: dt.date, origin: str, actor: str
) -> SyncReport:
    policy = active_policy()
    facts = organization_facts(instance.organization)
    now = clock.now()
    run = SyncRun.objects.create(
        instance=instance, as_of=as_of, origin=origin, status=SyncStatus.FINISHED,
        actor=actor, started_at=now, finished_at=now,
    )  # fmt: skip
    work = _Batch(run, instance, facts, as_of, Counter(), [])
    _refuse_unsubscribed(facts, as_of)
    rows = 0
    parse_problems: tuple[SnapshotProblem, ...] = ()
    try:
        for number, batch in enumerate(
            _batched(read_snapshot(cast(BinaryIO, stream), fmt=fmt), BATCH), start=1
        ):
            rows += len(batch)
            _apply_batch(batch, policy, work)
            if number % ANALYZE_EVERY == 0:
                _refresh_statistics()
    except SnapshotError as error:
        parse_problems = error.problems
    if work.problems or parse_problems:
        problems = sorted(
            (*work.problems, *parse_problems), key=lambda p: (p.line is not None, p.line or 0)
        )
        raise SnapshotError(tuple(problems[:MAX_PROBLEMS]))
    _schedule_unseen(work)
    SeenProfile.objects.filter(run=run).delete()
    counts = {str(change): work.counts[change] for change in Change}
    run.rows, run.counts, run.file_sha256 = rows, counts, stream.sha256.hexdigest()
    run.finished_at = clock.now()
    run.save(update_fields=["rows", "counts", "file_sha256", "finished_at"])
    Instance.objects.filter(pk=instance.pk).update(last_synced_at=run.finished_at)
    audit_record(
        actor=actor,
        action="sync.completed",
        object_type="instance",
        object_id=instance.code,
        payload={
            "run": str(run.public_id),
            "as_of": as_of.isoformat(),
            "origin": origin,
            "rows": rows,
            "counts": counts,
            "file_sha256": run.file_sha256,
        },
    )
    return SyncReport(run.public_id, instance.code, as_of, rows, counts, run.file_sha256)


def _record_refusal(
    instance: Instance, *, problems: tuple[SnapshotProblem, ...], sha256: str, as_of: dt.date,
    origin: str, actor: str, started: dt.datetime,
) -> SyncRun:  # fmt: skip
    with transaction.atomic():
        run = SyncRun.objects.create(
            instance=instance, as_of=as_of, origin=origin, status=SyncStatus.FAILED,
            actor=actor, started_at=started, finished_at=clock.now(), file_sha256=sha256,
            problems="\n".join(str(problem) for problem in problems),
        )  # fmt: skip
        audit_record(
            actor=actor,
            action="sync.failed",
            object_type="instance",
            object_id=instance.code,
            payload={
                "run": str(run.public_id),
                "as_of": as_of.isoformat(),
                "origin": origin,
                "problems": len(problems),
                "file_sha256": sha256,
            },
        )
    return run


def sync_import(
    *,
    actor: str,
    instance: Instance,
    stream: IO[bytes],
    fmt: str,
    as_of: dt.date,
    origin: str = SyncOrigin.FILE,
) -> SyncReport:
    """Apply a snapshot (JSON lines or CSV, intake/domain/snapshot.py) to ``instance``'s
    software-profile holdings. Raises SyncRefusedError, with nothing applied, on any problem."""
    started = clock.now()
    hashed = _Hashed(stream)
    try:
        with transaction.atomic():
            return _apply(instance, hashed, fmt=fmt, as_of=as_of, origin=origin, actor=actor)
    except SnapshotError as error:
        sha256 = hashed.drain()
        run = _record_refusal(
            instance, problems=error.problems, sha256=sha256, as_of=as_of, origin=origin,
            actor=actor, started=started,
        )  # fmt: skip
        raise SyncRefusedError(run, error.problems) from error


def sync_pull(
    *, actor: str, instance: Instance, as_of: dt.date, timeout: float = TIMEOUT_SECONDS
) -> SyncReport:
    """Fetch ``instance``'s snapshot from its export URL (intake/pull.py) and apply it. A fetch
    that fails (refused token, HTTP error, timeout, truncated body) is a refused sync too."""
    started = clock.now()
    try:
        spool, fmt = fetch_snapshot(instance, timeout=timeout)
    except PullError as error:
        problems = (SnapshotProblem(None, "export", str(error)),)
        run = _record_refusal(
            instance, problems=problems, sha256="", as_of=as_of, origin=SyncOrigin.PULL,
            actor=actor, started=started,
        )  # fmt: skip
        raise SyncRefusedError(run, problems) from error
    with spool:
        return sync_import(
            actor=actor, instance=instance, stream=spool, fmt=fmt, as_of=as_of,
            origin=SyncOrigin.PULL,
        )  # fmt: skip
