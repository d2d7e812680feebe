"""Staged rows and parts of a file (intake/domain/staged.py): pure."""

from __future__ import annotations

import hashlib
import hmac
import io
import itertools

from hypothesis import given
from hypothesis import strategies as st

from omni_privacy.intake.domain.snapshot import SnapshotRow
from omni_privacy.intake.domain.staged import RowPreparer, copy_text, parts, stage_part

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
