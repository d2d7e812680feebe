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
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

VERSION = 1


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


class LedgerError(ValueError):
    """A ledger line cannot be read; the message names the line."""


def ledger_path() -> Path:
    configured = getattr(settings, "OMNI_ERASURE_LEDGER", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "erasure-ledger.jsonl"


def append(tombstones: Iterable[Tombstone], *, path: Path | None = None) -> int:
    """Append the lines and fsync them (durable before the caller commits). Returns the count."""
    data = "".join(tombstone.as_json() + "\n" for tombstone in tombstones).encode("utf-8")
    _append_bytes(data, path or ledger_path())
    return data.count(b"\n")


def mark_committed(chunks: Iterable[str], *, path: Path | None = None) -> None:
    """Record that these chunks' transactions committed (call after the commit)."""
    data = "".join(
        json.dumps({"v": VERSION, "committed": chunk}, separators=(",", ":")) + "\n"
        for chunk in chunks
    ).encode("utf-8")
    _append_bytes(data, path or ledger_path())


def _append_bytes(data: bytes, target: Path) -> None:
    if not data:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        _drop_torn_tail(descriptor)
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _drop_torn_tail(descriptor: int) -> None:
    """A crash mid-append can leave a last line without its newline. Torn (unparsable), it was
    never fsynced and its chunk never committed: cut it off. Complete (a file copied without its
    final newline), end it, as `read` accepts it too."""
    size = os.fstat(descriptor).st_size
    if size == 0 or os.pread(descriptor, 1, size - 1) == b"\n":
        return
    keep = size
    while keep > 0:
        step = min(4096, keep)
        block = os.pread(descriptor, step, keep - step)
        newline = block.rfind(b"\n")
        if newline >= 0:
            keep = keep - step + newline + 1
            break
        keep -= step
    try:
        json.loads(os.pread(descriptor, size - keep, keep))
    except ValueError:
        os.ftruncate(descriptor, keep)
    else:
        os.write(descriptor, b"\n")


def _entries(target: Path) -> Iterator[tuple[int, dict[str, object]]]:
    """(line number, object) for every line. A torn last line (no newline, unparsable) is
    skipped; any other bad line raises LedgerError naming its number."""
    with target.open("r", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
                if data.get("v") != VERSION:
                    raise ValueError(f"unknown version {data.get('v')!r}")
            except ValueError as exc:
                if not line.endswith("\n"):
                    continue  # torn by a crash while appending: never committed
                raise LedgerError(f"{target.name} line {number}: {exc}") from exc
            yield number, data


def committed_chunks(path: Path | None = None) -> set[str]:
    target = path or ledger_path()
    if not target.exists():
        return set()
    return {str(data["committed"]) for _n, data in _entries(target) if "committed" in data}


def read(path: Path | None = None, *, committed_only: bool = True) -> Iterator[Tombstone]:
    """The tombstones, in order: by default only those of committed chunks (two passes over
    the file; memory holds the chunk ids only)."""
    target = path or ledger_path()
    if not target.exists():
        return
    committed = committed_chunks(target) if committed_only else None
    for number, data in _entries(target):
        if "committed" in data:
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
    for _number, data in _entries(target):
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
