"""Writes for external stores: register, check, scan, and the operator's access and erasure.

Each service records its audit event in one ``transaction.atomic()`` of this database. The
work in the external store has its own transaction there (an erasure commits or rolls back
whole before its event is written). Audit payloads carry the person only as the keyed digest
of their address (core/digest.py), and never the store's URL.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from email_validator import EmailNotValidError

from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.core.crypto import seal
from omni_privacy.core.digest import email_digest
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.domain.gate import normalize_email
from omni_privacy.stores.access import RowSink, access_rows
from omni_privacy.stores.connect import DIALECTS, StoreError, engine_for, reflect_schema, store_url
from omni_privacy.stores.domain.dataset import Dataset, parse_dataset
from omni_privacy.stores.domain.plan import Plan, build_plan
from omni_privacy.stores.domain.problems import ERROR, Problem, errors
from omni_privacy.stores.domain.results import (
    DONE,
    FAILED,
    AccessResult,
    ErasureResult,
    Failure,
    Identity,
)
from omni_privacy.stores.domain.scan import ScanReport, scan
from omni_privacy.stores.domain.schema import Schema, schema_problems
from omni_privacy.stores.domain.scope import scoped
from omni_privacy.stores.erasure import erase_person
from omni_privacy.stores.ledger import StoreTombstone, store_ledger_append
from omni_privacy.stores.models import ExternalStore
from omni_privacy.stores.sampling import sample_values
from omni_privacy.stores.selectors import store_connection_url, store_dataset, store_schema
from omni_privacy.transfers.services import TransferRefused, require_transfer

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


@dataclass
class StoreInputError(Exception):
    """Refused input; nothing was written. Each problem names its key and has a code."""

    problems: list[Problem]

    def __str__(self) -> str:
        return "; ".join(f"{problem.key}: {problem.code}" for problem in self.problems)


@dataclass(frozen=True)
class CheckReport:
    store: str
    status: str
    problems: tuple[Problem, ...]
    tables: int


def store_add(
    *, actor: str, name: str, dialect: str, url: str, dataset_text: str, dataset_path: str = ""
) -> ExternalStore:
    """Register a store. Its URL is sealed (core/crypto.py) before it is stored; the dataset
    must have no error (conformance problems are allowed: they are what the check reports)."""
    problems: list[Problem] = []
    if not _NAME.fullmatch(name):
        problems.append(Problem("name", "name_invalid"))
    elif ExternalStore.objects.filter(name=name).exists():
        problems.append(Problem("name", "name_taken", {"name": name}))
    if dialect not in DIALECTS:
        problems.append(Problem("dialect", "invalid_choice", {"allowed": ", ".join(DIALECTS)}))
    else:
        try:
            store_url(dialect, url)
        except StoreError as error:
            problems.append(Problem("url", error.failure.code, error.failure.params))
    dataset, dataset_problems = parse_dataset(dataset_text, policy=active_policy())
    problems += [problem for problem in dataset_problems if problem.severity == ERROR]
    if dataset is not None and not problems:
        _plan, plan_problems = build_plan(dataset, None)
        # Unreachable tables may be reached by references only the schema knows: the check
        # decides. A cycle of declared references is an error now.
        problems += [p for p in plan_problems if p.code == "references_cycle"]
    if problems:
        raise StoreInputError(problems)
    digest = hashlib.sha256(dataset_text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        store = ExternalStore.objects.create(
            name=name,
            dialect=dialect,
            url_sealed=seal(url.strip()),
            dataset_path=dataset_path,
            dataset_text=dataset_text,
            dataset_sha256=digest,
        )
        audit_record(
            actor=actor,
            action="store.added",
            object_type="store",
            object_id=name,
            payload={"dialect": dialect, "dataset_sha256": digest,
                     "tables": len(dataset.tables) if dataset else 0},
        )  # fmt: skip
    return store


def store_dataset_replace(
    *, actor: str, store: ExternalStore, dataset_text: str, dataset_path: str = ""
) -> ExternalStore:
    """Replace a store's dataset file (after fixing the one `stores scan` proposed). Refused
    with every error when the new file has one; the store must be checked again after."""
    dataset, dataset_problems = parse_dataset(dataset_text, policy=active_policy())
    problems = [problem for problem in dataset_problems if problem.severity == ERROR]
    if dataset is not None and not problems:
        _plan, plan_problems = build_plan(dataset, None)
        problems += [p for p in plan_problems if p.code == "references_cycle"]
    if problems:
        raise StoreInputError(problems)
    digest = hashlib.sha256(dataset_text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        previous = store.dataset_sha256
        store.dataset_text, store.dataset_sha256 = dataset_text, digest
        store.dataset_path = dataset_path or store.dataset_path
        store.status = ExternalStore.Status.NEW  # checked again before it is used
        store.save(update_fields=["dataset_text", "dataset_sha256", "dataset_path", "status",
                                  "updated_at"])  # fmt: skip
        audit_record(
            actor=actor,
            action="store.dataset_replaced",
            object_type="store",
            object_id=store.name,
            payload={"previous_sha256": previous, "dataset_sha256": digest,
                     "tables": len(dataset.tables) if dataset else 0},
        )  # fmt: skip
    return store


def store_engine(store: ExternalStore) -> Any:
    return engine_for(store.dialect, store_connection_url(store))


def store_check(*, actor: str, store: ExternalStore) -> CheckReport:
    """Reach the store, read its schema, and compare the dataset with it and with the policy
    in force. Stores the schema (access and erasure use it, reflecting nothing) and the
    status: ok, problems (errors or conformance failures) or unreachable."""
    dataset, problems = store_dataset(store)
    schema: Schema | None = None
    code = ""
    try:
        schema = reflect_schema(store_engine(store))
    except StoreError as error:
        code = error.failure.code
        problems = [Problem("url", error.failure.code, error.failure.params), *problems]
    if schema is not None and dataset is not None:
        problems += schema_problems(dataset, schema)
        _plan, plan_problems = build_plan(dataset, schema)
        problems += plan_problems
    if code:
        status = ExternalStore.Status.UNREACHABLE
    elif any(problem.severity != "warning" for problem in problems):
        status = ExternalStore.Status.PROBLEMS
        code = problems[0].code
    else:
        status = ExternalStore.Status.OK
    now = clock.now()
    with transaction.atomic():
        fields = ["status", "status_code", "problems", "checked_at", "updated_at"]
        store.status, store.status_code, store.checked_at = status, code, now
        store.problems = [problem.as_dict() for problem in problems]
        if schema is not None:
            store.schema = schema.as_dict()
            fields.append("schema")
        store.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="store.checked",
            object_type="store",
            object_id=store.name,
            payload={"status": status, "code": code, "problems": len(problems),
                     "tables": len(schema.tables) if schema else None},
            occurred_at=now,
        )  # fmt: skip
    return CheckReport(store.name, status, tuple(problems), len(schema.tables) if schema else 0)


def store_scan(*, actor: str, store: ExternalStore) -> ScanReport:
    """Read the schema, sample each text column (bounded), and report the columns that look
    personal with their evidence, the conformance problems (notice §2.1) and a proposed
    dataset file. Stores the findings and problems, never a sampled value."""
    engine = store_engine(store)
    schema = reflect_schema(engine)
    samples = sample_values(engine, schema)
    dataset, _problems = store_dataset(store)
    report = scan(schema, samples, policy=active_policy(), dataset=dataset)
    del samples
    now = clock.now()
    with transaction.atomic():
        store.scan = {
            "findings": [finding.as_dict() for finding in report.findings],
            "problems": [problem.as_dict() for problem in report.problems],
            "proposal": report.proposal,
        }
        store.scanned_at = now
        store.save(update_fields=["scan", "scanned_at", "updated_at"])
        audit_record(
            actor=actor,
            action="store.scanned",
            object_type="store",
            object_id=store.name,
            payload={"findings": len(report.findings), "conformance": len(report.problems)},
            occurred_at=now,
        )
    return report


def _identity(email: str) -> tuple[Identity, str]:
    try:
        normalized = normalize_email(email)
    except EmailNotValidError:
        raise StoreInputError([Problem("email", "email_invalid")]) from None
    return Identity(email=normalized), email_digest(normalized)


def store_ready(store: ExternalStore) -> tuple[Dataset, Plan, Schema]:
    """The dataset, its plan and the checked schema, or StoreInputError. A table the plan
    cannot reach refuses the whole store: skipping it quietly would report a partial access
    or erasure as complete."""
    dataset, problems = store_dataset(store)
    schema = store_schema(store)
    if schema is None:
        raise StoreInputError([Problem("store", "not_checked", {"name": store.name})])
    if dataset is not None and not errors(problems):
        plan, plan_problems = build_plan(dataset, schema)
        if plan is not None and not plan_problems:
            return dataset, plan, schema
        problems += plan_problems
    raise StoreInputError(errors(problems) or [Problem("dataset", "dataset_invalid")])


def _transfer_refused(store: ExternalStore, actor: str) -> Failure | None:
    """Notice §6: a store is a recipient; no access or erasure without its current assessment
    (transfers/services.py records the refusal and its alarm)."""
    try:
        require_transfer(kind="store", recipient_key=store.name, actor=actor)
    except TransferRefused as refused:
        return Failure("transfer_refused", {"name": store.name, "reason": refused.code})
    return None


def store_access(*, actor: str, store: ExternalStore, email: str, sink: RowSink) -> AccessResult:
    """Stream what the store holds about the person to ``sink`` (one set-based query per
    table, following the references from the identity), and audit it by digest."""
    identity, digest = _identity(email)
    dataset, plan, schema = store_ready(store)
    try:
        if refused := _transfer_refused(store, actor):
            raise StoreError(refused)
        tables = access_rows(store_engine(store), dataset=dataset, plan=plan, schema=schema,
                             identity=identity, sink=sink)  # fmt: skip
        result = AccessResult(store.name, DONE, tables)
    except StoreError as error:
        result = AccessResult(store.name, FAILED, failure=error.failure)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="store.accessed",
            object_type="store",
            object_id=store.name,
            payload={
                "subject": digest,
                "outcome": result.outcome,
                "code": result.failure.code if result.failure else "",
                "rows": {table.table: table.rows for table in result.tables},
            },
        )
    return result


def store_erase(
    *,
    actor: str,
    store: ExternalStore,
    email: str,
    source: str | None = None,
    reason: str = "cli",
) -> ErasureResult:
    """Erase the person from the store in one transaction of set-based statements, children
    first, proven by a re-query; all or nothing (stores/erasure.py). With ``source``, only
    that source's data (stores/domain/scope.py: the retention sweep's erasure). Audited by
    digest, with the counts per table and the failure's code."""
    identity, digest = _identity(email)
    dataset, plan, schema = store_ready(store)
    if source:
        dataset = scoped(dataset, plan, source)
    try:
        if refused := _transfer_refused(store, actor):
            raise StoreError(refused)
        engine = store_engine(store)
    except StoreError as error:
        result = ErasureResult(store.name, FAILED, failure=error.failure)
    else:
        result = erase_person(engine, store=store.name, dataset=dataset, plan=plan,
                              schema=schema, identity=identity)  # fmt: skip
    if result.outcome == DONE:
        # The erasure ledger, outside the database: a restored store can be replayed.
        store_ledger_append(StoreTombstone(store.name, digest, source or "", clock.now(), reason))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="store.erased",
            object_type="store",
            object_id=store.name,
            payload={
                "subject": digest,
                "source": source or "",
                "outcome": result.outcome,
                "code": result.failure.code if result.failure else "",
                "tables": {
                    table.table: {"found": table.found, "erased": table.erased,
                                  "anonymised": table.anonymised, "kept": table.kept}
                    for table in result.tables
                },
            },
        )  # fmt: skip
    return result
