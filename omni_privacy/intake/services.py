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
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import connection, transaction

from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.core.digest import email_digest, profile_keying
from omni_privacy.core.errors import Problem, define, gettext_noop
from omni_privacy.core.sql import in_values, plain_values_param
from omni_privacy.intake.domain.diff import (
    Change,
    HeldProfile,
    Profile,
    changed_fields,
    profile_change,
)
from omni_privacy.intake.domain.snapshot import (
    SnapshotError,
)
from omni_privacy.intake.domain.staged import (
    RowPreparer,
)
from omni_privacy.intake.models import SyncOrigin, SyncRun, SyncStatus
from omni_privacy.intake.pipeline import MAX_PROBLEMS, Hashed, stage_file
from omni_privacy.intake.pull import TIMEOUT_SECONDS, PullError, fetch_snapshot
from omni_privacy.intake.staging import Stage, StagedRow
from omni_privacy.policy.domain.collection import SYNC_CHANNEL, purpose_and_basis, sync_source
from omni_privacy.policy.domain.facts import HoldingFacts, OrganizationFacts
from omni_privacy.policy.domain.schema import Policy
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.domain.gate import HoldingCandidate, check_holding
from omni_privacy.registry.models import (
    LIVE_STATES,
    Holding,
    HoldingState,
    Instance,
    Person,
)
from omni_privacy.registry.retention_columns import (
    RetentionColumns,
    decision_columns,
    holding_facts_of,
)
from omni_privacy.registry.selectors import organization_facts
from omni_privacy.registry.writers import (
    holdings_insert,
    holdings_set_columns,
    holdings_write,
    people_delete_unheld,
    person_ids_for_digests,
)

BATCH = 2000
ANALYZE_EVERY = 25  # batches: after 50,000 rows, then each time the rows written double
_WRITTEN = ("full_name", "email", "preferred_language", "roles", "person", "role_removed_at",
            "state", "instance", "source_key", "due_at", "deadline_at", "retention_rule",
            "retention_action", "updated_at")  # fmt: skip


UNSUBSCRIBED = define(
    "sync.unsubscribed",
    gettext_noop(
        "the organisation has no subscription on %(day)s: no software profile can be "
        "collected (notice §2.1 ¶2)"
    ),
)
OLDER_SNAPSHOT = define(
    "sync.older_snapshot",
    gettext_noop(
        "the snapshot is dated %(day)s, before the last one applied (%(latest)s): an older "
        "snapshot cannot be applied after a newer one"
    ),
)


class SyncRefusedError(Exception):
    """The snapshot was not applied; ``run`` records the refusal and ``problems`` say why."""

    def __init__(self, run: SyncRun, problems: tuple[Problem, ...]) -> None:
        self.run = run
        self.problems = problems
        super().__init__(run.public_id)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


@dataclass(frozen=True)
class SyncReport:
    run_id: uuid.UUID
    instance: str
    as_of: dt.date
    rows: int
    counts: dict[str, int]
    file_sha256: str


@dataclass(frozen=True)
class _Terms:
    """What every synced holding carries: the source the sync collects, with its purpose and
    legal basis, through the sync's channel (policy/domain/collection.py, notice §2.4)."""

    source: str
    purpose: str
    legal_basis: str
    channel: str

    @classmethod
    def of(cls, policy: Policy) -> _Terms:
        source = sync_source(policy)
        purpose, basis = purpose_and_basis(policy, source)
        return cls(source, purpose, basis, SYNC_CHANNEL)


@dataclass
class _Batch:
    """One batch's state while it is applied."""

    run: SyncRun
    instance: Instance
    facts: OrganizationFacts
    as_of: dt.date
    counts: Counter[str]
    problems: list[Problem]
    terms: _Terms
    decisions: dict[HoldingFacts, RetentionColumns] = field(default_factory=dict)
    new_decisions: dict[tuple[str, ...], RetentionColumns] = field(default_factory=dict)


def _offer(
    row: StagedRow, policy: Policy, work: _Batch, held_emails: frozenset[str]
) -> Profile | None:
    """The row as the registry would keep it, through the collection gate; None when the gate
    refuses it (its problems are added: fields, not values)."""
    result = check_holding(
        HoldingCandidate(
            source=work.terms.source,
            purpose=work.terms.purpose,
            legal_basis=work.terms.legal_basis,
            channel=work.terms.channel,
            collected_at=work.as_of,
            full_name=row.full_name,
            email=row.email,
            preferred_language=row.preferred_language,
            roles=row.roles,
        ),
        policy,
        work.facts,
        today=work.as_of,
        held_emails=held_emails,
    )
    if result.accepted is None:
        work.problems.extend(
            Problem(
                error.code, error.params, field=error.field.removeprefix("person."), line=row.line
            )
            for error in result.errors
        )
        return None
    accepted = result.accepted
    return Profile(accepted.full_name, accepted.email, accepted.preferred_language, row.roles)


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


def _check_in_place(
    rows: list[StagedRow], policy: Policy, work: _Batch, demoted: list[int]
) -> None:
    """Rows ``Stage.rectify`` will write (a new name or language on an active holding, same
    address and roles): each through the collection gate, like every row the sync keeps. One
    the gate would store otherwise than staged is demoted to the one-by-one path."""
    for row in rows:
        profile = _offer(row, policy, work, frozenset((row.email,)))
        staged = Profile(row.full_name, row.email, row.preferred_language, row.roles)
        if profile is not None and profile != staged:
            demoted.append(row.line)


def _rectify_in_place(work: _Batch, stage: Stage) -> None:
    """The accepted in-place rows, written set-based; one audit event per batch listing the
    holdings rectified from the source and the fields that changed, as ``_Writes`` does."""
    for rectified in stage.rectify(BATCH, clock.now()):
        work.counts[Change.UPDATED] += len(rectified)
        _audit_changes(work, {"added": [], "restored": [], "updated": dict(rectified)})


def _apply_batch(rows: list[StagedRow], policy: Policy, work: _Batch) -> None:
    """Rows that differ from what is held, or are new: through the gate, then written."""
    # The diff found each key's live holding, if any (the instance's lock keeps other syncs
    # out since); read again by id, as it is now. A first sync's rows have none.
    held_ids = [row.holding_id for row in rows if row.holding_id is not None]
    held: dict[str | None, Holding] = {}
    if held_ids:
        ids = in_values(f"{connection.ops.quote_name(Holding._meta.db_table)}.id")
        held_any = Holding.objects.filter(
            instance=work.instance, source=work.terms.source, state__in=LIVE_STATES
        ).extra(where=[ids], params=[plain_values_param(held_ids)])  # noqa: S610 - no user SQL
        held = {h.source_key: h for h in held_any}
    held_emails = frozenset(h.email for h in held.values() if h.email)
    offered: dict[str, tuple[StagedRow, Profile]] = {}
    for row in rows:
        if (profile := _offer(row, policy, work, held_emails)) is not None:
            offered[row.key] = (row, profile)
    if work.problems or not offered:
        return  # refused anyway: validate the rest, write nothing more
    _apply_offered(offered, held, work)


def _apply_offered(
    offered: dict[str, tuple[StagedRow, Profile]],
    held: dict[str | None, Holding],
    work: _Batch,
) -> None:
    # Most rows keep their address (a renamed user): the held holding's person is theirs.
    kept = {
        key: holding.person_id
        for key, (_row, profile) in offered.items()
        if (holding := held.get(key)) is not None
        and holding.person_id is not None
        and holding.email == profile.email
    }
    digests = {key: email_digest(profile.email) for key, (_row, profile) in offered.items()}
    people, created = person_ids_for_digests(
        digests={digests[key] for key in offered if key not in kept}
    )
    # Only people found may hold profiles already; those just created hold nothing.
    person_ids = [pid for digest, pid in people.items() if digest not in created]
    # A live profile of the same person in this organisation not yet keyed (imported before
    # the first sync) is adopted rather than duplicated; one keyed to another user of the
    # export (two profiles with one address) keeps the person, and the later profile is
    # ignored: the registry holds one software profile per person and organisation.
    keyless: dict[int | None, Holding] = {}
    taken: dict[int | None, str | None] = {}
    if person_ids:
        # By person alone (their index: a person holds a few rows), the rest tested here:
        # with the organisation and source in the statement, the planner read the
        # organisation's every profile for each batch (100 ms a batch at 30,000, growing).
        people_column = f"{connection.ops.quote_name(Holding._meta.db_table)}.person_id"
        theirs = Holding.objects.extra(  # noqa: S610 - no user SQL
            where=[in_values(people_column)], params=[plain_values_param(person_ids)]
        )
        for h in theirs:
            if (
                h.organization_id == work.instance.organization_id
                and h.source == work.terms.source
                and h.state in LIVE_STATES
            ):
                if h.source_key is None:
                    keyless[h.person_id] = h
                else:
                    taken[h.person_id] = h.source_key
    writes = _Writes()
    for key, (_row, profile) in offered.items():
        holding = held.get(key)
        adopted = False
        if key in kept:
            person = kept[key]
        else:
            person = people[digests[key]]
            if taken.get(person, key) != key:
                work.counts[Change.IGNORED] += 1
                continue
            taken[person] = key
            adopted = holding is None and person in keyless
            if adopted:
                holding = keyless.pop(person)
        change = profile_change(_held_profile(holding) if holding else None, profile)
        if adopted and change == Change.UNCHANGED:
            change = Change.UPDATED  # it gains its key and instance
        work.counts[change] += 1
        if change != Change.UNCHANGED:
            writes.add(change, holding, key=key, person=person, profile=profile, work=work)
    writes.save(work)


_NEW_COLUMNS = ("person_id", "source_key", "full_name", "email", "preferred_language", "roles",
                "due_at", "deadline_at", "retention_rule", "retention_action")  # fmt: skip


@dataclass
class _Writes:
    """What one batch creates and updates, and what its audit event lists. New holdings are
    rows of ``_NEW_COLUMNS`` (no model instance: a first sync creates a million)."""

    created: list[tuple[Any, ...]] = field(default_factory=list)
    updated: list[Holding] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    rectified: dict[str, list[str]] = field(default_factory=dict)
    left_people: set[int] = field(default_factory=set)

    def add(
        self,
        change: Change,
        holding: Holding | None,
        *,
        key: str,
        person: int,
        profile: Profile,
        work: _Batch,
    ) -> None:
        if holding is None:
            self.created.append(
                (person, key, profile.full_name, profile.email, profile.preferred_language,
                 list(profile.roles), *_new_columns(work, profile.roles))
            )  # fmt: skip
            return
        self.updated.append(holding)
        if change == Change.RESTORED:
            self.restored.append(str(holding.public_id))
        else:
            fields = changed_fields(_held_profile(holding).profile, profile)
            self.rectified[str(holding.public_id)] = list(fields)
        if holding.person_id is not None and holding.person_id != person:
            self.left_people.add(holding.person_id)  # a new address: another person
        holding.instance, holding.source_key, holding.person_id = work.instance, key, person
        holding.full_name, holding.email = profile.full_name, profile.email
        holding.preferred_language, holding.roles = profile.preferred_language, list(profile.roles)
        holding.role_removed_at, holding.state = None, HoldingState.ACTIVE
        holding.updated_at = clock.now()
        (holding.due_at, holding.deadline_at, holding.retention_rule,
         holding.retention_action) = _columns(work, holding_facts_of(holding))  # fmt: skip

    def save(self, work: _Batch) -> None:
        added = holdings_insert(
            fixed={
                "organization_id": work.instance.organization_id,
                "instance_id": work.instance.pk,
                "source": work.terms.source,
                "purpose": work.terms.purpose,
                "legal_basis": work.terms.legal_basis,
                "channel": work.terms.channel,
                "collected_at": work.as_of,
                "state": HoldingState.ACTIVE,
            },
            columns=_NEW_COLUMNS,
            rows=self.created,
        )
        holdings_write(holdings=self.updated, fields=_WRITTEN)
        if self.left_people:
            # Whoever an address change left with no holding goes, with their keyed digest.
            people_delete_unheld(person_ids=sorted(self.left_people))
        if self.created or self.updated:
            listed = {"added": [str(public_id) for public_id in added],
                      "restored": self.restored, "updated": self.rectified}  # fmt: skip
            _audit_changes(work, listed)


def _new_columns(work: _Batch, roles: tuple[str, ...]) -> RetentionColumns:
    """The stored retention decision of a holding this sync creates with ``roles`` (by
    roles: the other facts are the sync's)."""
    columns = work.new_decisions.get(roles)
    if columns is None:
        facts = HoldingFacts(
            source=work.terms.source, collected_at=work.as_of, last_contact_at=None,
            role_removed_at=None, erasure_requested_at=None, roles=roles,
        )  # fmt: skip
        columns = work.new_decisions[roles] = _columns(work, facts)
    return columns


def _columns(work: _Batch, facts: HoldingFacts) -> RetentionColumns:
    """The stored retention decision for ``facts``. A snapshot's holdings share few sets of
    facts (a first sync's: one per list of roles): each set is evaluated once."""
    columns = work.decisions.get(facts)
    if columns is None:
        columns = work.decisions[facts] = decision_columns(facts, work.facts, as_of=work.as_of)
    return columns


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


def _schedule_unseen(work: _Batch, stage: Stage) -> None:
    """Profiles held from this instance that the snapshot no longer flags (roles removed, or
    the user gone): pending deletion, with the sync's day as the role-removal day (notice §4
    ¶1: deleted within 60 days). Only the columns the evaluator reads are fetched, each
    distinct set of facts is evaluated once, and each batch is one statement."""
    decisions: dict[tuple[Any, ...], RetentionColumns] = {}
    fixed = {
        "roles": [],
        "role_removed_at": work.as_of,
        "state": HoldingState.PENDING_DELETION,
        "updated_at": clock.now(),
    }
    for batch in stage.unseen(BATCH):
        retention = []
        for held in batch:
            facts = (held.source, held.collected_at, held.last_contact_at,
                     held.erasure_requested_at)  # fmt: skip
            columns = decisions.get(facts)
            if columns is None:
                held_facts = HoldingFacts(
                    source=held.source, collected_at=held.collected_at,
                    last_contact_at=held.last_contact_at, role_removed_at=work.as_of,
                    erasure_requested_at=held.erasure_requested_at,
                )  # fmt: skip
                columns = decisions[facts] = decision_columns(
                    held_facts, work.facts, as_of=work.as_of
                )
            retention.append(columns)
        ids_written = [held.id for held in batch]
        public_ids = [held.public_id for held in batch]
        due, deadline, rule, action = (list(column) for column in zip(*retention, strict=True))
        holdings_set_columns(
            ids=ids_written,
            fixed=fixed,
            varying={"due_at": due, "deadline_at": deadline, "retention_rule": rule,
                     "retention_action": action},
        )  # fmt: skip
        work.counts[Change.SCHEDULED] += len(ids_written)
        audit_record(
            actor=work.run.actor,
            action="sync.batch",
            object_type="sync_run",
            object_id=str(work.run.public_id),
            payload={"instance": work.instance.code, Change.SCHEDULED.value: public_ids},
        )


def _refresh_statistics(at_least: int | None = None) -> None:
    """A first sync inserts a million rows in one transaction, and autovacuum analyses a
    table only some time after a commit: with stale statistics the planner costs the holdings
    as (nearly) empty and picks nested loops that scan the staging table once per holding
    (quadratic: 27 s for 20,000 rows). So the sync analyses after 25 batches of a first sync,
    then each time the batches written double (PostgreSQL's ANALYZE may run in the
    transaction and counts its own inserted rows; between two, the planner scales the counts
    with the table's pages: every 25 batches cost 4 s of a million rows' first sync), and
    before its statements when the statistics count fewer than half of ``at_least`` rows (the
    rows of the snapshot: a monthly re-import, whose holdings were analysed since, skips the
    second it would cost)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Holding, Person):
            table = connection.ops.quote_name(model._meta.db_table)
            if at_least is not None:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                    [model._meta.db_table],
                )
                (counted,) = cursor.fetchone()
                if counted >= at_least / 2:
                    continue
            cursor.execute(f"ANALYZE {table}")


def _refuse_unsubscribed(facts: OrganizationFacts, as_of: dt.date) -> None:
    if not facts.subscribed_on(as_of):
        raise SnapshotError(
            (Problem(UNSUBSCRIBED, {"day": as_of.isoformat()}, field="organization"),)
        )


def _refuse_older_snapshot(instance: Instance, as_of: dt.date) -> None:
    """A snapshot never moves an instance's clock backwards: one dated before the last one
    applied would undo what that one saw (a role given back would be removed again, and the
    profile deleted while its person still holds the role, notice §4 ¶1)."""
    latest = (
        SyncRun.objects.filter(instance=instance, status=SyncStatus.FINISHED, as_of__gt=as_of)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if latest is not None:
        raise SnapshotError(
            (
                Problem(
                    OLDER_SNAPSHOT,
                    {"day": as_of.isoformat(), "latest": latest.isoformat()},
                    field="as_of",
                ),
            )
        )


def _apply(
    instance: Instance, stream: Hashed, *, fmt: str, as_of: dt.date, origin: str, actor: str
) -> SyncReport:
    # Under the instance's row lock, so that two syncs cannot both pass the date check.
    instance = Instance.objects.select_for_update().get(pk=instance.pk)
    _refuse_older_snapshot(instance, as_of)
    policy = active_policy()
    facts = organization_facts(instance.organization)
    now = clock.now()
    run = SyncRun.objects.create(
        instance=instance, as_of=as_of, origin=origin, status=SyncStatus.FINISHED,
        actor=actor, started_at=now, finished_at=now,
    )  # fmt: skip
    work = _Batch(run, instance, facts, as_of, Counter(), [], _Terms.of(policy))
    _refuse_unsubscribed(facts, as_of)
    with Stage(instance.pk, source=work.terms.source) as stage:
        preparer = RowPreparer(profile_keying(instance.pk), policy.sources[work.terms.source].roles)
        rows = stage_file(stream, fmt, stage, preparer)
        _refresh_statistics(at_least=rows)  # the statements below are planned on them
        # A repeated user id refuses the file; the gate still checks the rest, so that one
        # refusal lists every problem (and nothing is written once there is one).
        work.problems.extend(stage.duplicates(MAX_PROBLEMS))
        diffed = stage.diff()
        work.counts[Change.UNCHANGED] += diffed.unchanged
        work.counts[Change.IGNORED] += diffed.ignored
        demoted: list[int] = []
        for batch in stage.in_place(BATCH):
            _check_in_place(batch, policy, work, demoted)
        stage.demote(demoted)
        analyse_at = ANALYZE_EVERY
        for number, batch in enumerate(stage.changed(BATCH), start=1):
            _apply_batch(batch, policy, work)
            if number == analyse_at:
                _refresh_statistics()
                analyse_at *= 2
        if work.problems:
            problems = sorted(work.problems, key=lambda p: p.line or 0)
            raise SnapshotError(tuple(problems[:MAX_PROBLEMS]))
        _rectify_in_place(work, stage)
        _schedule_unseen(work, stage)
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
    instance: Instance, *, problems: tuple[Problem, ...], sha256: str, as_of: dt.date,
    origin: str, actor: str, started: dt.datetime,
) -> SyncRun:  # fmt: skip
    with transaction.atomic():
        run = SyncRun.objects.create(
            instance=instance, as_of=as_of, origin=origin, status=SyncStatus.FAILED,
            actor=actor, started_at=started, finished_at=clock.now(), file_sha256=sha256,
            problem_codes=[problem.stored() for problem in problems],
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
    hashed = Hashed(stream)
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
        problems = (Problem(error.code, error.params, field="export"),)
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
