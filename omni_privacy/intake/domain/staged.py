"""Snapshot rows as the sync stages them, and the parts of a large file read in parallel.

A staged row is what the sync's staging table holds of one snapshot row (intake/staging.py):
the keyed digest of the user id (never the id), and for a flagged row the name, email,
language and roles the collection gate would be offered, normalised as the registry stores
them, so that SQL equality with the held profile means "unchanged".

Reading and keying a million JSON lines is most of a monthly sync's time, and it is plain
Python: a large JSON-lines file is cut at line ends into parts, and ``stage_part`` runs on each
in a pool of processes (the sync's process sends the parts and copies the answers into the
table, in file order). Pure: no Django, so a pool process imports only this, the parser and the
keyer; the key comes in as bytes.
"""

from __future__ import annotations

import codecs
import io
import json
import pickle
import struct
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import orjson

from omni_privacy.core.keyed import hmac_sha256_keyer
from omni_privacy.intake.domain.diff import flagged_roles
from omni_privacy.intake.domain.snapshot import SnapshotError, SnapshotRow, read_snapshot

# Omni writes in French or English only: any other language is not kept (the person is
# written to in French). Instances say ``fr``, ``fr-CA`` or ``FR``; the parser lower-cases.
LANGUAGES = frozenset(("fr", "en"))
StagedTuple = tuple[int, str, bool, str | None, str | None, str | None, str | None]
_CACHE_LIMIT = 1000  # distinct role lists remembered; a file may hold many more


def copy_text(value: str) -> str:
    """``value`` as a field of PostgreSQL's COPY text format (backslash escapes)."""
    # Four scans in C, not a generator: this runs twice per row of a million.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t")
        value = value.replace("\n", "\\n").replace("\r", "\\r")
    return value


class RowPreparer:
    """Turns parsed rows into staged rows, for one instance's key and the policy's roles."""

    def __init__(self, keying: tuple[bytes, bytes], allowed: tuple[str, ...]) -> None:
        self.keying, self.allowed = keying, allowed
        self.key: Callable[[str], str] = hmac_sha256_keyer(*keying)
        self._roles: dict[tuple[str, ...], tuple[tuple[str, ...], str, str]] = {}

    def _flagged(self, roles: tuple[str, ...]) -> tuple[tuple[str, ...], str, str]:
        """The flagged roles, their JSON and that JSON as COPY text (remembered: a file holds
        few distinct role lists)."""
        known = self._roles.get(roles)
        if known is None:
            kept = flagged_roles(roles, self.allowed)
            text = json.dumps(list(kept))
            known = (kept, text, copy_text(text))
            if len(self._roles) < _CACHE_LIMIT:
                self._roles[roles] = known
        return known

    def row(self, row: SnapshotRow) -> StagedTuple:
        """(line, key, flagged, full_name, email, language, roles JSON); the parser has
        stripped every field and lower-cased the language already."""
        kept, text, _copy = self._flagged(row.roles)
        if not kept:
            return (row.line, self.key(row.user_id), False, None, None, None, None)
        code = row.preferred_language[:2]
        return (
            row.line,
            self.key(row.user_id),
            True,
            " ".join(row.full_name.split()),
            row.email,
            code if code in LANGUAGES else None,
            text,
        )

    def copy_line(self, row: SnapshotRow) -> str:
        """``row`` staged, as one line of COPY text (the columns of ``row``)."""
        kept, _text, roles = self._flagged(row.roles)
        if not kept:
            return f"{row.line}\t{self.key(row.user_id)}\tf\t\\N\t\\N\t\\N\t\\N\n"
        code = row.preferred_language[:2]
        language = code if code in LANGUAGES else "\\N"
        name = copy_text(" ".join(row.full_name.split()))
        email = copy_text(row.email)
        return f"{row.line}\t{self.key(row.user_id)}\tt\t{name}\t{email}\t{language}\t{roles}\n"


@dataclass(frozen=True)
class StagedPart:
    """One part of a file, staged: how many rows it held, and either their COPY text or their
    tuples; ``error`` when the part has problems (its rows after the first are not staged)."""

    rows: int
    copy: bytes
    tuples: list[StagedTuple]
    error: SnapshotError | None


def stage_rows(
    rows: Iterator[SnapshotRow], preparer: RowPreparer, *, copy: bool
) -> tuple[int, bytes, list[StagedTuple], SnapshotError | None]:
    """Stage what ``rows`` yields until it ends or raises SnapshotError."""
    count = 0
    lines: list[str] = []
    tuples: list[StagedTuple] = []
    error = None
    try:
        if copy:
            line = preparer.copy_line
            for row in rows:
                count += 1
                lines.append(line(row))
        else:
            prepare = preparer.row
            for row in rows:
                count += 1
                tuples.append(prepare(row))
    except SnapshotError as found:
        error = found
    return count, "".join(lines).encode(), tuples, error


def stage_part(
    data: bytes, first_line: int, preparer: RowPreparer, *, copy: bool, max_problems: int
) -> StagedPart:
    """Parse and stage one part of a JSON-lines file: whole lines, the first numbered
    ``first_line``."""
    if copy and (plain := plain_copy(data, first_line, preparer)) is not None:
        return StagedPart(plain[0], plain[1], [], None)
    rows = read_snapshot(
        io.BytesIO(data),
        fmt="jsonl",
        duplicates=False,
        first_line=first_line,
        max_problems=max_problems,
    )
    return StagedPart(*stage_rows(rows, preparer, copy=copy))


def plain_copy(data: bytes, first_line: int, preparer: RowPreparer) -> tuple[int, bytes] | None:
    """(rows, COPY text) of a part whose every line is plainly right, as ``read_snapshot``
    then ``RowPreparer.copy_line`` would stage it; None as soon as one line is not (a problem,
    a blank line, a byte-order mark, a field to escape...), and the caller then reads the part
    with the parser, which says what is wrong. The same rules as the parser's fast path and
    the preparer, in one loop without a record per row: a third less time per row (equality
    with the parser is tested on generated lines)."""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    if first_line == 1 and lines and lines[0].startswith(codecs.BOM_UTF8):
        return None
    loads, key, flagged_roles_of = orjson.loads, preparer.key, preparer._flagged
    out: list[str] = []
    append = out.append
    number = first_line
    for raw in lines:
        try:
            record = loads(raw)
        except orjson.JSONDecodeError:
            return None
        if type(record) is not dict:
            return None
        get = record.get
        user_id, full_name, email = get("user_id"), get("full_name"), get("email")
        language, roles = get("preferred_language", ""), get("roles")
        if type(user_id) is int:
            user_id = str(user_id)
        if not (
            type(user_id) is str
            and type(full_name) is str
            and type(email) is str
            and type(language) is str
            and type(roles) is list
        ):
            return None
        user_id, full_name, email = user_id.strip(), full_name.strip(), email.strip()
        if (
            not (user_id and full_name and email)
            or "\x00" in user_id + full_name + email + language
        ):
            return None
        if len(roles) == 1 and type(roles[0]) is str:
            role = roles[0].strip()
            kept: tuple[str, ...] = (role,) if role else ()
        elif all(type(role) is str for role in roles):
            kept = tuple(sorted({role.strip() for role in roles} - {""}))
        else:
            return None
        flagged, _text, roles_copy = flagged_roles_of(kept)
        if not flagged:
            append(f"{number}\t{key(user_id)}\tf\t\\N\t\\N\t\\N\t\\N\n")
        elif "\\" in email or "\t" in email or "\n" in email or "\r" in email:
            return None
        else:
            code = language.strip().lower()[:2]
            name = " ".join(full_name.split())  # no tab or newline left, only a backslash
            if "\\" in name:
                name = name.replace("\\", "\\\\")
            code = code if code in LANGUAGES else "\\N"
            append(f"{number}\t{key(user_id)}\tt\t{name}\t{email}\t{code}\t{roles_copy}\n")
        number += 1
    return number - first_line, "".join(out).encode()


def parts(stream: BinaryIO, size: int) -> Iterator[tuple[bytes, int]]:
    """``stream`` cut at line ends into parts of about ``size`` bytes: (data, number of its
    first line). A line longer than ``size`` makes a longer part."""
    number = 1
    while part := stream.read(size):
        if not part.endswith(b"\n"):
            part += stream.readline()  # to the end of the line (or of the file)
        yield part, number
        number += part.count(b"\n")


# --- in a parsing process ----------------------------------------------------------------
# ``python -m omni_privacy.intake.domain.staged``: reads frames from standard input, answers
# each part on standard output, in order. A frame is its length (8 bytes, big-endian) and a
# pickle: first (keying, allowed roles, max problems), then (data, first line) per part, and
# an empty frame to end. The process is the sync's own child (the pickles are trusted); the key
# comes through the pipe, never the command line, which any local user can read.

_LENGTH = struct.Struct(">Q")


def write_frame(stream: BinaryIO, value: object | None) -> None:
    data = b"" if value is None else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def read_frame(stream: BinaryIO) -> Any:
    """The next frame's value; None for the closing frame. EOFError when the stream ends."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError("the other process ended")
    (length,) = _LENGTH.unpack(head)
    if not length:
        return None
    data = stream.read(length)
    if len(data) < length:
        raise EOFError("the other process ended mid-frame")
    return pickle.loads(data)  # noqa: S301 - our own parent or child


def serve(source: BinaryIO, sink: BinaryIO) -> None:
    """Answer parts until the closing frame (or the end of ``source``: the parent is gone)."""
    try:
        keying, allowed, max_problems = read_frame(source)
        preparer = RowPreparer(keying, allowed)
        while (part := read_frame(source)) is not None:
            data, first_line = part
            write_frame(
                sink, stage_part(data, first_line, preparer, copy=True, max_problems=max_problems)
            )
    except (EOFError, BrokenPipeError):
        return


if __name__ == "__main__":
    # Run as a script this module is ``__main__``: serve from its importable self, so that
    # the answers pickle as ``omni_privacy.intake.domain.staged.StagedPart``.
    from omni_privacy.intake.domain import staged  # noqa: PLW0406 - see above

    staged.serve(sys.stdin.buffer, sys.stdout.buffer)
