"""The external stores' lines in the erasure ledger (issue 17 point 4; core/ledgerfile.py).

Each person erased in a store (wholly, or one source's data) adds one line, once the store
has committed and the re-query proved it: ``{"v": 1, "store": …, "digest": …, "source": …,
"erased_at": …, "reason": …}``. The person is named by the keyed digest of their address, as
in the registry's tombstones; nothing else about them. A store restored from a backup taken
before some of these erasures brings those people back: ``omni-privacy stores replay STORE
--restored-from DAY`` finds them again by digest and erases them again (stores/replay.py).

A line is appended after the store's commit and before the job is marked done: a crash in
between leaves the job pending, its retry finds nothing left, proves it, and appends the line
then. Replay erases again what a line names, so a line written twice is harmless.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from omni_privacy.core.ledgerfile import VERSION, LedgerError, append_bytes, entries, ledger_path


@dataclass(frozen=True)
class StoreTombstone:
    store: str
    digest: str
    source: str
    """The policy's source whose data was erased; empty: everything the dataset names."""
    erased_at: dt.datetime
    reason: str

    def as_json(self) -> str:
        return json.dumps(
            {
                "v": VERSION,
                "store": self.store,
                "digest": self.digest,
                "source": self.source,
                "erased_at": self.erased_at.astimezone(dt.UTC).isoformat(),
                "reason": self.reason,
            },
            separators=(",", ":"),
            sort_keys=True,
        )


def store_ledger_append(tombstone: StoreTombstone, *, path: Path | None = None) -> None:
    append_bytes((tombstone.as_json() + "\n").encode("utf-8"), path or ledger_path())


def store_tombstones(
    store: str, *, since: dt.datetime | None = None, path: Path | None = None
) -> Iterator[StoreTombstone]:
    """The store's lines, in order; with ``since``, only erasures at or after it."""
    target = path or ledger_path()
    if not target.exists():
        return
    for number, data in entries(target):
        if data.get("store") != store:
            continue
        try:
            tombstone = StoreTombstone(
                store=str(data["store"]),
                digest=str(data["digest"]),
                source=str(data.get("source", "")),
                erased_at=dt.datetime.fromisoformat(str(data["erased_at"])),
                reason=str(data.get("reason", "")),
            )
        except (KeyError, ValueError) as exc:
            raise LedgerError(f"{target.name} line {number}: {exc}") from exc
        if since is None or tombstone.erased_at >= since:
            yield tombstone
