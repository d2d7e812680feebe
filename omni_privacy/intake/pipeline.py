"""The sync's parsing pipeline: the snapshot file walks through it once, from bytes to the
staging table (intake/staging.py), hashed as it is read. JSON lines are cut into parts that child
processes parse on PostgreSQL (intake/domain/staged.py ``serve``); CSV and whole-file JSON are
read from start to end. Problems are collected, at most ``MAX_PROBLEMS``, and raised together
after the load (SnapshotError). Applying the staged rows is intake/services.py's work.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import deque
from collections.abc import Iterator
from itertools import chain, islice
from typing import IO, BinaryIO, cast

from django.conf import settings

from omni_privacy.intake.domain.snapshot import SnapshotError, merged_error, read_snapshot
from omni_privacy.intake.domain.staged import (
    RowPreparer,
    StagedPart,
    parts,
    read_frame,
    stage_part,
    stage_rows,
    write_frame,
)
from omni_privacy.intake.staging import Stage

BATCH = 2000
PART_BYTES = 4 << 20  # a part of a JSON-lines file parsed at once: about 25,000 rows
MAX_PROBLEMS = 50


class Hashed:
    """The stream's lines, hashed as they are read (the summary names the file by its hash)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.sha256 = hashlib.sha256()

    def __iter__(self) -> Iterator[bytes]:
        for line in self._stream:
            self.sha256.update(line)
            yield line

    def read(self, size: int) -> bytes:
        data = self._stream.read(size)
        self.sha256.update(data)
        return data

    def readline(self) -> bytes:
        line = self._stream.readline()
        self.sha256.update(line)
        return line

    def drain(self) -> str:
        for _line in self:
            pass
        return self.sha256.hexdigest()


def stage_file(stream: Hashed, fmt: str, stage: Stage, preparer: RowPreparer) -> int:
    """Parse the file into the staging table; the number of rows read. Raises SnapshotError
    (after finishing the load) with the parser's problems and the duplicates found so far.
    Duplicates in a file the parser accepts are the caller's to ask ``stage`` for."""
    rows = 0
    errors: list[SnapshotError] = []
    staged = (
        _staged_parts(stream, preparer, stage.copies)
        if fmt == "jsonl"
        else _staged_batches(stream, fmt, preparer, stage.copies)
    )
    for part in staged:
        rows += part.rows
        stage.add(part.copy, part.tuples)
        if part.error is not None:
            errors.append(part.error)
    stage.loaded()
    if errors:
        raise merged_error(errors, MAX_PROBLEMS, tuple(stage.duplicates(MAX_PROBLEMS)))
    return rows


def _staged_batches(
    stream: Hashed, fmt: str, preparer: RowPreparer, copy: bool
) -> Iterator[StagedPart]:
    """A file read from start to end (CSV: a quoted cell may span lines), staged in batches."""
    rows = read_snapshot(cast(BinaryIO, stream), fmt=fmt, duplicates=False)
    while True:
        part = StagedPart(*stage_rows(islice(rows, BATCH), preparer, copy=copy))
        yield part
        if part.error is not None or part.rows < BATCH:
            return


def sync_workers() -> int:
    """Processes that parse a large JSON-lines snapshot (OMNI_SYNC_WORKERS; 0, the default:
    the machine's processors, at most 4). 1 parses in the sync's own process."""
    configured = int(settings.OMNI_SYNC_WORKERS)
    if configured > 0:
        return configured
    return max(1, min(os.cpu_count() or 1, 4))


def _staged_parts(stream: Hashed, preparer: RowPreparer, copy: bool) -> Iterator[StagedPart]:
    """A JSON-lines file cut at line ends into parts, staged in file order. A file of more than
    one part, going to PostgreSQL, is parsed by ``sync_workers`` child processes (one part at a
    time each, so memory stays flat); the sync's process copies their answers in."""
    pieces = parts(cast(BinaryIO, stream), PART_BYTES)
    workers = sync_workers() if copy else 1
    head = list(islice(pieces, 2))
    if workers < 2 or len(head) < 2:
        for data, first_line in chain(head, pieces):
            yield stage_part(data, first_line, preparer, copy=copy, max_problems=MAX_PROBLEMS)
        return
    with _Parsers(workers, preparer) as parsers:
        yield from parsers.staged(chain(head, pieces))


class _Parsers:
    """Child processes running intake/domain/staged.py's ``serve``: plain ``python -m`` children
    (not multiprocessing, which re-imports the parent's main module in each child). Part k goes
    to child k mod n, and answers are read back in the same order; a child has one part at a
    time, so neither side ever blocks on a full pipe while the other waits for it."""

    def __init__(self, count: int, preparer: RowPreparer) -> None:
        self._count, self._preparer = count, preparer
        self._children: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> _Parsers:
        for _ in range(self._count):
            child = subprocess.Popen(
                [sys.executable, "-m", "omni_privacy.intake.domain.staged"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            self._children.append(child)
            write_frame(
                cast(BinaryIO, child.stdin),
                (self._preparer.keying, self._preparer.allowed, MAX_PROBLEMS),
            )
        return self

    def __exit__(self, *exc: object) -> None:
        for child in self._children:
            try:
                write_frame(cast(BinaryIO, child.stdin), None)
                cast(BinaryIO, child.stdin).close()
            except (BrokenPipeError, ValueError):
                pass
        for child in self._children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            cast(BinaryIO, child.stdout).close()

    def staged(self, pieces: Iterator[tuple[bytes, int]]) -> Iterator[StagedPart]:
        busy: deque[subprocess.Popen[bytes]] = deque()
        idle = deque(self._children)
        for piece in pieces:
            if idle:
                child = idle.popleft()
                write_frame(cast(BinaryIO, child.stdin), piece)
                busy.append(child)
                continue
            child = busy.popleft()
            answer = self._answer(child)
            # The child's next part first, then the answer to the caller: the child parses
            # while the caller copies.
            write_frame(cast(BinaryIO, child.stdin), piece)
            busy.append(child)
            yield answer
        while busy:
            yield self._answer(busy.popleft())

    @staticmethod
    def _answer(child: subprocess.Popen[bytes]) -> StagedPart:
        try:
            answer = read_frame(cast(BinaryIO, child.stdout))
        except EOFError:
            answer = None
        if not isinstance(answer, StagedPart):
            raise RuntimeError(
                f"a snapshot parsing process ended unexpectedly (exit status {child.poll()})"
            )
        return answer
