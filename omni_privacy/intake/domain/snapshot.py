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
from pathlib import PurePath
from typing import Any, BinaryIO, NamedTuple

import orjson

from omni_privacy.core import strictjson
from omni_privacy.core.errors import Problem, define, gettext_noop

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


# What a snapshot can be refused for, as codes (core/errors.py): the CLI, the console and the
# stored sync run say them in the reader's language. None quotes a value from the file.
NOT_UTF8 = define("snapshot.not_utf8", gettext_noop("not UTF-8 text"))
NOT_JSON = define("snapshot.not_json", gettext_noop("not valid JSON"))
NOT_OBJECT = define("snapshot.not_object", gettext_noop("not a JSON object"))
TRUNCATED_LINE = define(
    "snapshot.truncated_line", gettext_noop("truncated: the last line is incomplete")
)
NO_HEADER = define("snapshot.no_header", gettext_noop("empty snapshot: no header"))
MISSING_COLUMNS = define("snapshot.missing_columns", gettext_noop("missing columns: %(columns)s"))
COLUMN_TWICE = define("snapshot.column_twice", gettext_noop("column appears more than once"))
UNTERMINATED_QUOTE = define(
    "snapshot.unterminated_quote", gettext_noop("truncated: unterminated quoted field")
)
MISPLACED_QUOTE = define(
    "snapshot.misplaced_quote", gettext_noop("not valid CSV (misplaced quote)")
)
CELL_COUNT = define(
    "snapshot.cell_count", gettext_noop("expected %(expected)s cells, found %(found)s")
)
MISSING = define("snapshot.missing", gettext_noop("missing"))
NOT_STRING = define("snapshot.not_string", gettext_noop("must be a string"))
NOT_STRINGS = define("snapshot.not_strings", gettext_noop("must be a list of strings"))
DUPLICATE = define("snapshot.duplicate", gettext_noop("duplicate of line %(first)s"))
NUL = define("snapshot.nul", gettext_noop("contains a NUL character"))
MORE = define(  # a plural: marked for makemessages with ngettext_lazy in intake/apps.py
    "snapshot.more", "... and %(count)s more problem", "... and %(count)s more problems"
)
UNSUPPORTED_SUFFIX = define(
    "snapshot.unsupported_suffix",
    gettext_noop("unsupported file suffix '%(suffix)s': use .jsonl, .ndjson, .json or .csv"),
)
NO_SUFFIX = define(
    "snapshot.no_suffix",
    gettext_noop("unsupported file suffix (none): use .jsonl, .ndjson, .json or .csv"),
)

SnapshotProblem = Problem  # the name callers used before problems had codes
"""One thing wrong with the file: a coded :class:`~omni_privacy.core.errors.Problem` whose
``line`` is None when it concerns the whole file and ``field`` names a column."""


class SnapshotError(ValueError):
    """The snapshot cannot be applied; ``problems`` lists every bad line found (capped).

    ``listed`` are the problems found and kept, without the closing "... and N more" line, and
    ``total`` is how many were found: what a caller merging the errors of several parts of one
    file needs."""

    def __init__(
        self,
        problems: tuple[Problem, ...],
        *,
        listed: tuple[Problem, ...] | None = None,
        total: int | None = None,
    ) -> None:
        self.problems = problems
        self.listed = problems if listed is None else listed
        self.total = len(self.listed) if total is None else total
        super().__init__("\n".join(str(problem) for problem in problems))

    def __str__(self) -> str:
        # Said when read (a log line, a test), in the language active then.
        return "\n".join(str(problem) for problem in self.problems)

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent whole from a parsing process (intake/domain/staged.py), not as its message.
        return (self.__class__, (self.problems,), {"listed": self.listed, "total": self.total})


def merged_error(
    errors: list[SnapshotError], limit: int, extra: tuple[Problem, ...] = ()
) -> SnapshotError:
    """One error for a file read in parts (and ``extra`` problems found about it): every
    listed problem in line order (the file's first), capped at ``limit``, then how many more."""
    found = sorted(
        (*extra, *(problem for error in errors for problem in error.listed)),
        key=lambda problem: (problem.line is not None, problem.line or 0),
    )
    problems = _Problems(limit)
    for problem in found:
        problems.keep(problem)
    problems.count += sum(error.total - len(error.listed) for error in errors)
    return problems.error()


def detect_format(filename: str) -> str:
    """Map a file name to one of SNAPSHOT_FORMATS by its suffix (case-insensitive)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if not suffix:
        raise SnapshotError((Problem(NO_SUFFIX),))
    raise SnapshotError((Problem(UNSUPPORTED_SUFFIX, {"suffix": suffix}),))


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
        self.kept: list[Problem] = []
        self.count = 0

    def add(self, line: int | None, field: str | None, code: str, **params: Any) -> None:
        self.keep(Problem(code, params, field=field or "", line=line))

    def keep(self, problem: Problem) -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(problem)

    def error(self) -> SnapshotError:
        hidden = self.count - len(self.kept)
        tail: list[Problem] = []
        if hidden:
            tail.append(Problem(MORE, {"count": hidden}))
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
                self._problems.add(self.number, None, NOT_UTF8)
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
            self._problems.add(self.number, None, NOT_UTF8)
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
            problems.add(lines.number, None, NOT_OBJECT)


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
            problems.add(lines.number, None, NOT_JSON)
        else:
            problems.add(lines.number, None, TRUNCATED_LINE)
        return _SKIP


def _csv_records(lines: _Lines, problems: _Problems) -> Iterator[tuple[int, Mapping[str, object]]]:
    # strict: a stray quote is an error, and so is a quoted field still open at the end of file.
    # The csv module's field size limit bounds memory when a quote is never closed.
    reader = csv.reader(iter(lines), strict=True)
    header = next(reader, None)
    if not header:  # nothing at all, a lone BOM, or a blank first line
        problems.add(None, None, NO_HEADER)
        return
    columns = [cell.strip() for cell in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.add(None, None, MISSING_COLUMNS, columns=", ".join(missing))
    for name in REQUIRED_COLUMNS:
        if columns.count(name) > 1:
            problems.add(1, name, COLUMN_TWICE)
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
                problems.add(start, None, UNTERMINATED_QUOTE)
                return
            problems.add(start, None, MISPLACED_QUOTE)
            continue
        if not cells or lines.last_undecodable >= start:
            continue  # a blank line, or one already reported as not UTF-8
        if len(cells) != len(columns):
            problems.add(start, None, CELL_COUNT, expected=len(columns), found=len(cells))
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
        problems.add(line, "roles", MISSING)
    elif not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        problems.add(line, "roles", NOT_STRINGS)
    if user_id and first_line_of is not None:
        if user_id in first_line_of:
            problems.add(line, "user_id", DUPLICATE, first=first_line_of[user_id])
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
        problems.add(line, field, NOT_STRING)
        return ""
    if required and not value.strip():
        problems.add(line, field, MISSING)
    if "\x00" in value:
        # No database stores it as text (PostgreSQL refuses it), and no name or address has it.
        problems.add(line, field, NUL)
        return ""
    return value.strip()
