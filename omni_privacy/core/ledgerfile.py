"""The erasure ledger's file: append-only JSON lines, fsynced, kept outside the database
(docs/retention.md). Two writers share it: the retention engine's tombstones (one line per
erased holding, retention/ledger.py) and the external stores' (one line per person erased in
a store, stores/ledger.py); each reader skips the other's lines. This module knows only the
file: where it is, how a line is appended durably, how lines are read back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

VERSION = 1


class LedgerError(ValueError):
    """A ledger line cannot be read; the message names the line."""


def ledger_path() -> Path:
    configured = getattr(settings, "OMNI_ERASURE_LEDGER", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "erasure-ledger.jsonl"


def append_bytes(data: bytes, target: Path) -> None:
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


def entries(target: Path) -> Iterator[tuple[int, dict[str, object]]]:
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
