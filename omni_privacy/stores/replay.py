"""A store restored from a backup, erased again (issue 17 point 4; stores/ledger.py).

``store_replay`` reads the ledger's lines for the store from the day the backup was taken,
finds the people they name among the store's identity values (by the keyed digest of each
address: the ledger holds no address), and erases each of them again, wholly or the source's
data the line names, through the same all-or-nothing erasure with its proof. What the store
collected after the erasure cannot come from the backup, so only erasures at or after the
backup's day are replayed. Idempotent: a second replay finds no one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from email_validator import EmailNotValidError

from omni_privacy.audit.services import audit_record
from omni_privacy.core.digest import email_digest
from omni_privacy.registry.domain.gate import normalize_email
from omni_privacy.stores.access import identity_emails
from omni_privacy.stores.domain.results import DONE
from omni_privacy.stores.ledger import store_tombstones
from omni_privacy.stores.models import ExternalStore
from omni_privacy.stores.services import store_engine, store_erase, store_ready


@dataclass
class ReplayReport:
    store: str
    since: dt.datetime
    lines: int = 0
    found: int = 0
    erased: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    """Failure code → how many people it stopped (each rolled back whole)."""
    failure_params: dict[str, dict[str, object]] = field(default_factory=dict)
    """Failure code → the first such failure's parameters (for its words)."""


def store_replay(*, actor: str, store: ExternalStore, since: dt.datetime) -> ReplayReport:
    report = ReplayReport(store.name, since)
    wanted: dict[str, set[str]] = {}
    for tombstone in store_tombstones(store.name, since=since):
        report.lines += 1
        wanted.setdefault(tombstone.digest, set()).add(tombstone.source)
    if wanted:
        dataset, _plan, schema = store_ready(store)
        found: dict[str, str] = {}
        for value in identity_emails(store_engine(store), dataset=dataset, schema=schema):
            try:
                normalized = normalize_email(value)
            except EmailNotValidError:
                continue
            digest = email_digest(normalized)
            if digest in wanted:
                found.setdefault(digest, normalized)
        report.found = len(found)
        for digest, email in sorted(found.items()):
            sources = wanted[digest]
            # A whole erasure covers every source's; otherwise each source the ledger names.
            scopes = [None] if "" in sources else sorted(sources)
            for source in scopes:
                result = store_erase(
                    actor=actor, store=store, email=email, source=source, reason="replay"
                )
                if result.outcome == DONE:
                    continue
                code = result.failure.code if result.failure else "unknown"
                report.failures[code] = report.failures.get(code, 0) + 1
                if result.failure is not None:
                    report.failure_params.setdefault(code, dict(result.failure.params))
                break
            else:
                report.erased += 1
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="store.replayed",
            object_type="store",
            object_id=store.name,
            payload={
                "since": since.date().isoformat(),
                "lines": report.lines,
                "found": report.found,
                "erased": report.erased,
                "failures": report.failures,
            },
        )
    return report
