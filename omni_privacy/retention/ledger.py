"""The erasure ledger: one line per erased or anonymised holding, kept *outside* the database.

Why a file: a backup restored after an erasure brings the erased data back, and any table
would be restored to its old state with it. The ledger survives the restore (keep it on other
storage than the database backups: OMNI_ERASURE_LEDGER), and `omni-privacy retention replay`
re-applies every erasure it lists.

Nothing personal in clear: a person is named by the keyed digest of their email (the same
HMAC as `Person.email_digest`, OMNI_DIGEST_KEY), with the organisation code and the source.

Write-ahead with a commit mark: a chunk's lines are appended and fsynced *before* its database
transaction commits, and a ``{"committed": chunk}`` line after. Replay applies only committed
chunks, so lines of a chunk that died before its commit (a crash, a rollback) never erase
anything. A crash between the commit and its mark is repaired by the next run, which looks the
chunk up in the audit log (`reconcile`). Replay is idempotent, so duplicates are harmless.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from omni_privacy.core.ledgerfile import (
    VERSION,
    LedgerError,
    append_bytes,
    entries,
    ledger_path,
)

__all__ = ["LedgerError", "Tombstone", "append", "ledger_path", "mark_committed", "read"]


@dataclass(frozen=True)
class Tombstone:
    digest: str
    organization: str
    source: str
    action: str
    rule: str
    erased_at: dt.datetime
    run: str
    chunk: str

    def as_json(self) -> str:
        return json.dumps(
            {
                "v": VERSION,
                "digest": self.digest,
                "organization": self.organization,
                "source": self.source,
                "action": self.action,
                "rule": self.rule,
                "erased_at": self.erased_at.astimezone(dt.UTC).isoformat(),
                "run": self.run,
                "chunk": self.chunk,
            },
            separators=(",", ":"),
            sort_keys=True,
        )


def append(tombstones: Iterable[Tombstone], *, path: Path | None = None) -> int:
    """Append the lines and fsync them (durable before the caller commits). Returns the count."""
    data = "".join(tombstone.as_json() + "\n" for tombstone in tombstones).encode("utf-8")
    append_bytes(data, path or ledger_path())
    return data.count(b"\n")


def mark_committed(chunks: Iterable[str], *, path: Path | None = None) -> None:
    """Record that these chunks' transactions committed (call after the commit)."""
    data = "".join(
        json.dumps({"v": VERSION, "committed": chunk}, separators=(",", ":")) + "\n"
        for chunk in chunks
    ).encode("utf-8")
    append_bytes(data, path or ledger_path())


def committed_chunks(path: Path | None = None) -> set[str]:
    target = path or ledger_path()
    if not target.exists():
        return set()
    return {str(data["committed"]) for _n, data in entries(target) if "committed" in data}


def read(path: Path | None = None, *, committed_only: bool = True) -> Iterator[Tombstone]:
    """The tombstones, in order: by default only those of committed chunks (two passes over
    the file; memory holds the chunk ids only)."""
    target = path or ledger_path()
    if not target.exists():
        return
    committed = committed_chunks(target) if committed_only else None
    for number, data in entries(target):
        if "committed" in data or "store" in data:  # a store's line: stores/ledger.py
            continue
        try:
            tombstone = _parse(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise LedgerError(f"{target.name} line {number}: {exc}") from exc
        if committed is None or tombstone.chunk in committed:
            yield tombstone


def unmarked_chunks(run: str, path: Path | None = None) -> set[str]:
    """Chunks of ``run`` with tombstones but no commit mark (the run died around a commit)."""
    target = path or ledger_path()
    if not target.exists():
        return set()
    seen: set[str] = set()
    marked: set[str] = set()
    for _number, data in entries(target):
        if "committed" in data:
            marked.add(str(data["committed"]))
        elif data.get("run") == run:
            seen.add(str(data["chunk"]))
    return seen - marked


def _parse(data: dict[str, object]) -> Tombstone:
    return Tombstone(
        digest=str(data["digest"]),
        organization=str(data["organization"]),
        source=str(data["source"]),
        action=str(data["action"]),
        rule=str(data["rule"]),
        erased_at=dt.datetime.fromisoformat(str(data["erased_at"])),
        run=str(data["run"]),
        chunk=str(data["chunk"]),
    )
