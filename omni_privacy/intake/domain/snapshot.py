"""Read a customer instance's user-profile snapshot for the monthly sync (notice §2.4 scenario 1).

Notice §2.4 scenario 1: each month the registry is refreshed from the instance's export, and
only the people whose user profile shows one of the three roles (system administrator, update
notice subscriber, security incident contact) are kept, with only their full name, email and
preferred language. An export may hold other people and other columns. This parser
returns every well-formed row with its roles; choosing who may be held is the caller's job (the
collection gate), and so is validating the email and the language.

Pure: no Django, no database, no clock. Streaming: the file is read one physical line at a time;
only the user ids seen so far are kept, to find duplicates (``duplicates=False`` leaves that to
the caller, e.g. the sync's staging table, and then nothing at all grows with the file).
Messages never quote a value from the file, because the values are personal data; they name the
line and the column only.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, BinaryIO, NamedTuple

import orjson

from omni_privacy.core import strictjson

SNAPSHOT_FORMATS = ("jsonl", "csv")
REQUIRED_COLUMNS = ("user_id", "full_name", "email", "preferred_language", "roles")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}
_ROLE_SEPARATOR = ";"


class SnapshotRow(NamedTuple):
    """One well-formed row (a named tuple: a million are made per snapshot, and a tuple is the
    cheapest immutable record)."""

    line: int
    user_id: str
    full_name: str
    email: str
    preferred_language: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class SnapshotProblem:
    """One thing wrong with the file; ``line`` is None when it concerns the whole file."""

    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = "" if self.line is None else f"line {self.line}: "
        column = "" if self.field is None else f"{self.field}: "
        return f"{where}{column}{self.message}"


class SnapshotError(ValueError):
    """The snapshot cannot be applied; ``problems`` lists every bad line found (capped).

    ``listed`` are the problems found and kept, without the closing "... and N more" line, and
    ``total`` is how many were found: what a caller merging the errors of several parts of one
    file needs."""

    def __init__(
        self,
        problems: tuple[SnapshotProblem, ...],
        *,
        listed: tuple[SnapshotProblem, ...] | None = None,
        total: int | None = None,
    ) -> None:
        self.problems = problems
        self.listed = problems if listed is None else listed
        self.total = len(self.listed) if total is None else total
        super().__init__("\n".join(str(problem) for problem in problems))

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent whole from a parsing process (intake/domain/staged.py), not as its message.
        return (self.__class__, (self.problems,), {"listed": self.listed, "total": self.total})


def merged_error(
    errors: list[SnapshotError], limit: int, extra: tuple[SnapshotProblem, ...] = ()
) -> SnapshotError:
    """One error for a file read in parts (and ``extra`` problems found about it): every
    listed problem in line order (the file's first), capped at ``limit``, then how many more."""
    found = sorted(
        (*extra, *(problem for error in errors for problem in error.listed)),
        key=lambda problem: (problem.line is not None, problem.line or 0),
    )
    problems = _Problems(limit)
    for problem in found:
        problems.add(problem.line, problem.field, problem.message)
    problems.count += sum(error.total - len(error.listed) for error in errors)
    return problems.error()


def detect_format(filename: str) -> str:
    """Map a file name to one of SNAPSHOT_FORMATS by its suffix (case-insensitive)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    shown = f"'{suffix}'" if suffix else "(none)"
    message = f"unsupported file suffix {shown}: use .jsonl, .ndjson, .json or .csv"
    raise SnapshotError((SnapshotProblem(None, None, message),))


def read_snapshot(
    stream: BinaryIO,
    *,
    fmt: str,
    max_problems: int = 50,
    duplicates: bool = True,
    first_line: int = 1,
) -> Iterator[SnapshotRow]:
    """Yield each row of the snapshot, then raise SnapshotError if any problem was found.

    All or nothing: callers must consume the iterator completely inside one transaction and
    roll back when SnapshotError is raised at the end; a caller that stops early has not been
    told whether the file is good. Once a problem is found no further row is yielded, but the
    whole file is still read so that the error lists every bad line (up to ``max_problems``).
    With ``duplicates=False`` a user id repeated on two lines is not a problem here: the caller
    must find it (memory then stays constant however long the file).

    ``first_line``: JSON lines only, the number of the stream's first line when it is a part of
    a file cut at line ends (the sync reads large files in parts, several at once).
    """
    if fmt not in SNAPSHOT_FORMATS:
        raise ValueError(f"fmt must be one of {SNAPSHOT_FORMATS}, not {fmt!r}")
    if max_problems < 1:
        raise ValueError("max_problems must be at least 1")
    if first_line != 1 and fmt != "jsonl":
        raise ValueError("only JSON lines can be read in parts")
    return _read(
        stream, fmt=fmt, max_problems=max_problems, duplicates=duplicates, first_line=first_line
    )


class _Problems:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: list[SnapshotProblem] = []
        self.count = 0

    def add(self, line: int | None, field: str | None, message: str) -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(SnapshotProblem(line, field, message))

    def error(self) -> SnapshotError:
        hidden = self.count - len(self.kept)
        tail: list[SnapshotProblem] = []
        if hidden:
            noun = "problem" if hidden == 1 else "problems"
            tail.append(SnapshotProblem(None, None, f"... and {hidden} more {noun}"))
        return SnapshotError((*self.kept, *tail), listed=tuple(self.kept), total=self.count)


class _Lines:
    """The stream's physical lines, decoded one at a time so that a bad byte names its line."""

    def __init__(self, stream: BinaryIO, problems: _Problems) -> None:
        self._stream = stream
        self._problems = problems
        self.number = 0  # of the last line handed out
        self.last_undecodable = 0
        self.complete = True  # the last line handed out ended with a newline
        self.exhausted = False

    def __iter__(self) -> Iterator[str]:
        for raw in self._stream:
            self.number += 1
            data = raw.removeprefix(codecs.BOM_UTF8) if self.number == 1 else raw
            self.complete = data.endswith(b"\n")
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                self._problems.add(self.number, None, "not UTF-8 text")
                self.last_undecodable = self.number
                # Keep the line's shape so a CSV record spanning it still ends where it should.
                text = data.decode("utf-8", errors="replace")
            yield text
        self.exhausted = True

    def raw(self) -> Iterator[bytes]:
        """The lines undecoded (JSON lines: orjson checks the UTF-8 itself); a caller that finds
        a line bad decodes it through ``decoded`` to say why."""
        for raw in self._stream:
            self.number += 1
            yield raw.removeprefix(codecs.BOM_UTF8) if self.number == 1 else raw
        self.exhausted = True

    def decoded(self, data: bytes) -> str | None:
        """``data``, the last line handed out by ``raw``, as text; None (and a problem) when
        it is not UTF-8."""
        self.complete = data.endswith(b"\n")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self._problems.add(self.number, None, "not UTF-8 text")
            self.last_undecodable = self.number
            return None


def _read(
    stream: BinaryIO, *, fmt: str, max_problems: int, duplicates: bool, first_line: int
) -> Iterator[SnapshotRow]:
    problems = _Problems(max_problems)
    lines = _Lines(stream, problems)
    lines.number = first_line - 1
    records = _jsonl_records(lines, problems) if fmt == "jsonl" else _csv_records(lines, problems)
    first_line_of: dict[str, int] | None = {} if duplicates else None
    for line, record in records:
        row = _row(line, record, problems, first_line_of)
        if row is not None and not problems.count:
            yield row
    if problems.count:
        raise problems.error()


def _jsonl_records(
    lines: _Lines, problems: _Problems
) -> Iterator[tuple[int, Mapping[str, object]]]:
    for data in lines.raw():
        try:
            # orjson: four times the standard library's speed on the million good lines.
            value = strictjson.loads(data, fast=True)
        except orjson.JSONDecodeError:
            value = _slow_json(lines, data, problems)
            if value is _SKIP:
                continue
        if isinstance(value, dict):
            yield lines.number, value
        else:
            problems.add(lines.number, None, "not a JSON object")


_SKIP = object()


def _slow_json(lines: _Lines, data: bytes, problems: _Problems) -> object:
    """A line orjson refused: blank (skipped), not UTF-8, JSON that only the standard library
    reads (an integer beyond 64 bits, NaN), truncated or invalid (each a problem)."""
    text = lines.decoded(data)
    if text is None or not text.strip():
        return _SKIP
    try:
        return strictjson.loads(text)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        if lines.complete:
            problems.add(lines.number, None, "not valid JSON")
        else:
            problems.add(lines.number, None, "truncated: the last line is incomplete")
        return _SKIP


def _csv_records(lines: _Lines, problems: _Problems) -> Iterator[tuple[int, Mapping[str, object]]]:
    # strict: a stray quote is an error, and so is a quoted field still open at the end of file.
    # The csv module's field size limit bounds memory when a quote is never closed.
    reader = csv.reader(iter(lines), strict=True)
    header = next(reader, None)
    if not header:  # nothing at all, a lone BOM, or a blank first line
        problems.add(None, None, "empty snapshot: no header")
        return
    columns = [cell.strip() for cell in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.add(None, None, "missing columns: " + ", ".join(missing))
    for name in REQUIRED_COLUMNS:
        if columns.count(name) > 1:
            problems.add(1, name, "column appears more than once")
    if problems.count:
        return
    index = {name: columns.index(name) for name in REQUIRED_COLUMNS}
    while True:
        start = lines.number + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            if lines.exhausted:
                problems.add(start, None, "truncated: unterminated quoted field")
                return
            problems.add(start, None, "not valid CSV (misplaced quote)")
            continue
        if not cells or lines.last_undecodable >= start:
            continue  # a blank line, or one already reported as not UTF-8
        if len(cells) != len(columns):
            problems.add(start, None, f"expected {len(columns)} cells, found {len(cells)}")
            continue
        record: dict[str, object] = {name: cells[i] for name, i in index.items()}
        roles = cells[index["roles"]]
        record["roles"] = roles.split(_ROLE_SEPARATOR) if roles.strip() else []
        yield start, record


def _row(
    line: int,
    record: Mapping[str, object],
    problems: _Problems,
    first_line_of: dict[str, int] | None,
) -> SnapshotRow | None:
    row = _well_formed(line, record)
    if row is not None and first_line_of is None:
        return row
    return _checked(line, record, problems, first_line_of)


def _well_formed(line: int, record: Mapping[str, object]) -> SnapshotRow | None:
    """The row when every field is plainly right (most rows), else None: the caller then
    takes the slow path, which names each problem. Same result as ``_checked`` (tested)."""
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
    if not (user_id and full_name and email) or "\x00" in user_id + full_name + email + language:
        return None
    if len(roles) == 1 and type(roles[0]) is str:
        role = roles[0].strip()
        kept: tuple[str, ...] = (role,) if role else ()
    elif all(type(role) is str for role in roles):
        kept = tuple(sorted({role.strip() for role in roles} - {""}))
    else:
        return None
    return SnapshotRow(line, user_id, full_name, email, language.strip().lower(), kept)


def _checked(
    line: int,
    record: Mapping[str, object],
    problems: _Problems,
    first_line_of: dict[str, int] | None,
) -> SnapshotRow | None:
    before = problems.count
    user_id = _text(line, record, "user_id", problems, required=True)
    full_name = _text(line, record, "full_name", problems, required=True)
    email = _text(line, record, "email", problems, required=True)
    language = _text(line, record, "preferred_language", problems, required=False).lower()
    roles = record.get("roles")
    if roles is None:
        problems.add(line, "roles", "missing")
    elif not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        problems.add(line, "roles", "must be a list of strings")
    if user_id and first_line_of is not None:
        if user_id in first_line_of:
            problems.add(line, "user_id", f"duplicate of line {first_line_of[user_id]}")
        else:
            first_line_of[user_id] = line
    if problems.count > before or not isinstance(roles, list):
        return None
    kept_roles = tuple(sorted({role.strip() for role in roles} - {""}))
    return SnapshotRow(line, user_id, full_name, email, language, kept_roles)


def _text(
    line: int, record: Mapping[str, object], field: str, problems: _Problems, *, required: bool
) -> str:
    """The stripped string in ``field``, or "" after recording why there is none."""
    value = record.get(field)
    if field == "user_id" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # instances often number their users
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.add(line, field, "must be a string")
        return ""
    if required and not value.strip():
        problems.add(line, field, "missing")
    if "\x00" in value:
        # No database stores it as text (PostgreSQL refuses it), and no name or address has it.
        problems.add(line, field, "contains a NUL character")
        return ""
    return value.strip()
