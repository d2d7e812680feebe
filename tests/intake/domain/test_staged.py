"""Staged rows and parts of a file (intake/domain/staged.py): pure."""

from __future__ import annotations

import hashlib
import hmac
import io
import itertools

from hypothesis import example, given
from hypothesis import strategies as st

from omni_privacy.intake.domain.snapshot import SnapshotRow
from omni_privacy.intake.domain.staged import (
    RowPreparer,
    copy_text,
    parts,
    plain_copy,
    stage_part,
)

ADMIN = "system_administrator"
KEYING = (b"test-key", b"profile\x007\x00")
ALLOWED = (ADMIN, "update_notice_subscriber", "security_incident_contact")


def unescape(field: str) -> str | None:
    """PostgreSQL's reading of a COPY text field (the escapes copy_text writes)."""
    if field == "\\N":
        return None
    out, chars = [], iter(field)
    for char in chars:
        if char == "\\":
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[next(chars)])
        else:
            out.append(char)
    return "".join(out)


@given(st.text())
def test_copy_text_round_trips_and_never_splits_a_row(value) -> None:
    text = copy_text(value)
    assert not {"\t", "\n", "\r"} & set(text)
    assert unescape(text) == value


@given(
    name=st.text(min_size=1).filter(str.strip),
    email=st.text(min_size=1).filter(str.strip),
    language=st.sampled_from(["fr", "en", "fr-ca", "de", ""]),
    roles=st.lists(st.sampled_from([*ALLOWED, "viewer"]), max_size=3).map(tuple),
)
def test_a_copy_line_says_what_the_tuple_says(name, email, language, roles) -> None:
    preparer = RowPreparer(KEYING, ALLOWED)
    row = SnapshotRow(9, "u-9", name.strip(), email.strip(), language, roles)
    line = preparer.copy_line(row)
    assert line.endswith("\n")
    cells = [unescape(cell) for cell in line[:-1].split("\t")]
    line_number, key, flagged, *rest = preparer.row(row)
    assert cells == [str(line_number), key, "t" if flagged else "f", *rest]


def test_the_key_is_the_hmac_of_the_instance_and_user_id() -> None:
    (_line, key, *_rest) = RowPreparer(KEYING, ALLOWED).row(
        SnapshotRow(1, "u-42", "Alex Roy", "alex@example.com", "fr", (ADMIN,))
    )
    assert key == hmac.new(b"test-key", b"profile\x007\x00u-42", hashlib.sha256).hexdigest()


def test_parts_cut_at_line_ends_and_number_their_first_line() -> None:
    data = b"".join(b"line %d\n" % n for n in range(1, 11)) + b"last, unterminated"
    cut = list(parts(io.BytesIO(data), 20))
    assert b"".join(part for part, _ in cut) == data
    numbers = [number for _, number in cut]
    assert numbers[0] == 1
    for (part, number), (_next, following) in itertools.pairwise(cut):
        assert part.endswith(b"\n")
        assert following == number + part.count(b"\n")
    assert cut[-1][0].endswith(b"last, unterminated")


def test_a_line_longer_than_a_part_makes_a_longer_part() -> None:
    data = b"short\n" + b"x" * 100 + b"\nend\n"
    assert list(parts(io.BytesIO(data), 16)) == [
        (b"short\n" + b"x" * 100 + b"\n", 1),
        (b"end\n", 3),
    ]


def test_a_part_numbers_its_problems_as_lines_of_the_file() -> None:
    data = b'{"user_id": 1}\nnot json\n'
    staged = stage_part(data, 41, RowPreparer(KEYING, ALLOWED), copy=True, max_problems=5)
    assert staged.error is not None
    assert [str(problem) for problem in staged.error.problems] == [
        "line 41: full_name: missing",
        "line 41: email: missing",
        "line 41: roles: missing",
        "line 42: not valid JSON",
    ]


# --- the plain path: the parser and the preparer in one loop -------------------------------

_text = st.one_of(
    st.sampled_from(["Alex Roy", "  Zoé   Côté ", "a\\b", "tab\there", "", " ", "x\x00y"]),
    st.text(max_size=6),
)
_record = st.fixed_dictionaries(
    {},
    optional={
        "user_id": st.one_of(st.integers(-5, 10**20), st.booleans(), _text, st.none()),
        "full_name": st.one_of(_text, st.integers(0, 3), st.none()),
        "email": st.one_of(_text, st.sampled_from(["alex@example.com", "a\tb@example.com"])),
        "preferred_language": st.one_of(
            st.sampled_from(["fr", "EN", " fr-CA ", "de", ""]), st.none(), st.integers(0, 2)
        ),
        "roles": st.one_of(
            st.lists(st.sampled_from([*ALLOWED, "viewer", " ", f" {ADMIN} ", ""]), max_size=3),
            st.lists(st.integers(0, 2), max_size=2),
            _text,
        ),
        "department": _text,
    },
)


_plainish = st.fixed_dictionaries(
    {
        "user_id": st.one_of(st.integers(0, 99), st.sampled_from(["u1", " u2 ", "u\\3"])),
        "full_name": _text,
        "email": st.sampled_from(["alex@example.com", " zoe@example.com", "a\\b@example.com"]),
        "preferred_language": st.sampled_from(["fr", "EN", " fr-CA ", "de", ""]),
        "roles": st.lists(st.sampled_from([*ALLOWED, "viewer", f" {ADMIN} "]), max_size=2),
    }
)


def _reference(data: bytes, first_line: int, preparer: RowPreparer) -> tuple[int, bytes] | None:
    """What the parser then the preparer stage, or None when the parser finds a problem."""
    from omni_privacy.intake.domain.snapshot import SnapshotError, read_snapshot

    rows = read_snapshot(io.BytesIO(data), fmt="jsonl", duplicates=False, first_line=first_line)
    try:
        lines = [preparer.copy_line(row) for row in rows]
    except SnapshotError:
        return None
    return len(lines), "".join(lines).encode()


@given(
    records=st.lists(
        st.one_of(_plainish, _plainish, _record, st.just("blank"), st.just("bad")), max_size=6
    ),
    first_line=st.sampled_from([1, 7]),
    terminated=st.booleans(),
)
@example(records=[{"user_id": 2**64}], first_line=1, terminated=False)  # past orjson's range
def test_the_plain_path_stages_exactly_what_the_parser_and_preparer_do(
    records, first_line, terminated
) -> None:
    import json

    import orjson

    def dumps(record):
        try:
            return orjson.dumps(record)
        except TypeError:  # an integer past 64 bits: only the standard library writes it
            return json.dumps(record, separators=(",", ":")).encode()

    encoded = [b"" if r == "blank" else b"{nope" if r == "bad" else dumps(r) for r in records]
    data = b"\n".join(encoded) + (b"\n" if terminated and encoded else b"")
    preparer = RowPreparer(KEYING, ALLOWED)
    plain = plain_copy(data, first_line, preparer)
    if plain is not None:
        assert plain == _reference(data, first_line, preparer)
    staged = stage_part(data, first_line, preparer, copy=True, max_problems=50)
    reference = _reference(data, first_line, preparer)
    if reference is None:
        assert staged.error is not None
    else:
        assert (staged.rows, staged.copy, staged.error) == (*reference, None)


@given(record=_plainish, first_line=st.sampled_from([1, 7]))
def test_one_plain_looking_line_is_staged_as_the_parser_and_preparer_do(record, first_line) -> None:
    import orjson

    data = orjson.dumps(record) + b"\n"
    preparer = RowPreparer(KEYING, ALLOWED)
    plain = plain_copy(data, first_line, preparer)
    assert plain is None or plain == _reference(data, first_line, preparer)


def test_plain_rows_take_the_plain_path() -> None:
    data = b"".join(
        b'{"user_id": %d, "full_name": "P %d", "email": "p%d@example.com", '
        b'"preferred_language": "fr", "roles": ["%s"]}\n' % (n, n, n, role.encode())
        for n, role in enumerate([ADMIN, "viewer", ADMIN], start=1)
    )
    preparer = RowPreparer(KEYING, ALLOWED)
    assert plain_copy(data, 1, preparer) == _reference(data, 1, preparer)
    assert plain_copy(data, 1, preparer) is not None
