"""The erasure ledger: one line per erased or anonymised holding, kept *outside* the database.

Why a file: a backup restored after an erasure brings the erased data back, and any table
would be restored to its old state with it. The ledger survives the restore (keep it on other
storage than the database backups: OMNI_ERASURE_LEDGER), and `omni-privacy retention replay`
re-applies every erasure it lists.

Nothing personal in clear: a person is named by the keyed digest of their email (the same
HMAC as `Person.email_digest`, OMNI_DIGEST_KEY), with the organisation code and the source.

Write-ahead: a chunk's lines are appended and fsynced *before* its database transaction
commits. A crash in between leaves lines for holdings that were due but not yet erased; the
next run erases them (and appends them again). Replay is idempotent, so duplicates are harmless.
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
    target = path or ledger_path()
    data = "".join(tombstone.as_json() + "\n" for tombstone in tombstones).encode("utf-8")
    if not data:
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        _drop_torn_tail(descriptor)
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return data.count(b"\n")


def _drop_torn_tail(descriptor: int) -> None:
    """A crash mid-append can leave a last line without its newline. It was never fsynced, so
    its chunk never committed: cut it off rather than glue the next entry to it."""
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
    os.ftruncate(descriptor, keep)


def read(path: Path | None = None) -> Iterator[Tombstone]:
    """Every tombstone, in order. A torn line (no newline, unparsable) is skipped; any other bad
    line raises LedgerError naming its number."""
    target = path or ledger_path()
    if not target.exists():
        return
    with target.open("r", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield _parse(line)
            except (ValueError, KeyError, TypeError) as exc:
                if not line.endswith("\n"):
                    continue  # torn by a crash while appending: never committed
                raise LedgerError(f"{target.name} line {number}: {exc}") from exc


def _parse(line: str) -> Tombstone:
    data = json.loads(line)
    if data.get("v") != VERSION:
        raise ValueError(f"unknown version {data.get('v')!r}")
    return Tombstone(
        digest=str(data["digest"]),
        organization=str(data["organization"]),
        source=str(data["source"]),
        action=str(data["action"]),
        rule=str(data["rule"]),
        erased_at=dt.datetime.fromisoformat(data["erased_at"]),
        run=str(data["run"]),
    )
