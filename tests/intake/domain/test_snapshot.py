"""The monthly-sync snapshot parser (intake/domain/snapshot.py, notice §2.4 scenario 1).

Pure: no database, no Django.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omni_privacy.intake.domain.snapshot import (
    REQUIRED_COLUMNS,
    SNAPSHOT_FORMATS,
    SnapshotError,
    SnapshotRow,
    detect_format,
    read_snapshot,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

HEADER = "user_id,full_name,email,preferred_language,roles\n"


def rows(data: bytes, fmt: str, **kwargs: int) -> list[SnapshotRow]:
    return list(read_snapshot(io.BytesIO(data), fmt=fmt, **kwargs))


def problems(data: bytes, fmt: str, **kwargs: int) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(SnapshotError) as caught:
        rows(data, fmt, **kwargs)
    return [(p.line, p.field or None, p.message) for p in caught.value.problems]


def jsonl(*records: object) -> bytes:
    return b"".join(json.dumps(record).encode() + b"\n" for record in records)


def person(user_id: object = "u1", **changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "user_id": user_id,
        "full_name": "Alex Martin",
        "email": "alex@example.com",
        "preferred_language": "fr",
        "roles": ["system_administrator"],
    }
    record.update(changes)
    return record


# --- detect_format ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "fmt"),
    [
        ("snapshot.jsonl", "jsonl"),
        ("snapshot.ndjson", "jsonl"),
        ("snapshot.json", "jsonl"),
        ("export/2026-11.CSV", "csv"),
        ("profiles.tar.csv", "csv"),
    ],
)
def test_detect_format_by_suffix(filename: str, fmt: str) -> None:
    assert detect_format(filename) == fmt
    assert fmt in SNAPSHOT_FORMATS


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("profiles.xlsx", "unsupported file suffix '.xlsx': use .jsonl, .ndjson, .json or .csv"),
        ("profiles", "unsupported file suffix (none): use .jsonl, .ndjson, .json or .csv"),
    ],
)
def test_detect_format_refuses_other_suffixes(filename: str, message: str) -> None:
    with pytest.raises(SnapshotError) as caught:
        detect_format(filename)
    assert [(p.line, p.field, p.message) for p in caught.value.problems] == [(None, "", message)]
    assert str(caught.value) == message


def test_arguments_are_checked_before_reading() -> None:
    with pytest.raises(ValueError, match="fmt must be one of"):
        read_snapshot(io.BytesIO(b""), fmt="xml")
    with pytest.raises(ValueError, match="max_problems must be at least 1"):
        read_snapshot(io.BytesIO(b""), fmt="csv", max_problems=0)


# --- JSONL -----------------------------------------------------------------------------------


def test_jsonl_rows_are_normalised() -> None:
    data = (
        b"\xef\xbb\xbf"  # a UTF-8 BOM is skipped
        + json.dumps(
            {
                "user_id": " u1 ",
                "full_name": "  Alex Martin ",
                "email": " alex@example.com ",
                "preferred_language": " FR-CA ",
                "roles": [
                    "update_notice_subscriber",
                    " system_administrator",
                    "",
                    "  ",
                    "update_notice_subscriber",
                ],
                "phone": "+1 514 555 0100",  # other keys are ignored
            }
        ).encode()
        + b"\r\n\n   \n"  # blank lines are skipped but still counted
        + json.dumps({"user_id": 42, "full_name": "Sam Roy", "email": "sam@example.org"}).encode()[
            :-1
        ]
        + b', "roles": [], "preferred_language": null}'  # no trailing newline: complete line
    )
    assert rows(data, "jsonl") == [
        SnapshotRow(
            line=1,
            user_id="u1",
            full_name="Alex Martin",
            email="alex@example.com",
            preferred_language="fr-ca",
            roles=("system_administrator", "update_notice_subscriber"),
        ),
        SnapshotRow(4, "42", "Sam Roy", "sam@example.org", "", ()),
    ]


def test_jsonl_preferred_language_may_be_absent() -> None:
    record = person()
    del record["preferred_language"]
    assert rows(jsonl(record), "jsonl") == [
        SnapshotRow(1, "u1", "Alex Martin", "alex@example.com", "", ("system_administrator",))
    ]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n"])
def test_empty_jsonl_is_a_valid_snapshot_of_nobody(data: bytes) -> None:
    assert rows(data, "jsonl") == []


def test_jsonl_line_problems() -> None:
    data = (
        b'not json\n[1, 2]\n"a string"\n'
        + jsonl(
            person("u4", full_name=""),
            person("u5", email="   "),
            person(None, full_name=None),
            person(4.5, email=7, preferred_language=1),
            person(True),
            person("u9", roles="system_administrator"),
            person("u10", roles=["system_administrator", 3]),
            person("u11", roles=None),
        )
        + json.dumps({"user_id": "u12", "full_name": "A", "email": "a@example.com"}).encode()
        + b"\n"
        + b"[" * 100_000
        + b"\n"
    )
    assert problems(data, "jsonl") == [
        (1, None, "not valid JSON"),
        (2, None, "not a JSON object"),
        (3, None, "not a JSON object"),
        (4, "full_name", "missing"),
        (5, "email", "missing"),
        (6, "user_id", "missing"),
        (6, "full_name", "missing"),
        (7, "user_id", "must be a string"),
        (7, "email", "must be a string"),
        (7, "preferred_language", "must be a string"),
        (8, "user_id", "must be a string"),
        (9, "roles", "must be a list of strings"),
        (10, "roles", "must be a list of strings"),
        (11, "roles", "missing"),
        (12, "roles", "missing"),
        (13, None, "not valid JSON"),
    ]


def test_jsonl_duplicate_user_id_is_reported_on_the_later_line() -> None:
    data = jsonl(person("7"), person("u2"), person(7), person(" u2 "), person("7"))
    assert problems(data, "jsonl") == [
        (3, "user_id", "duplicate of line 1"),
        (4, "user_id", "duplicate of line 2"),
        (5, "user_id", "duplicate of line 1"),
    ]


def test_jsonl_truncated_last_line() -> None:
    data = jsonl(person("u1")) + b'{"user_id": "u2", "full_na'
    assert problems(data, "jsonl") == [(2, None, "truncated: the last line is incomplete")]


def test_jsonl_invalid_utf8_names_the_line_and_the_rest_is_still_checked() -> None:
    data = jsonl(person("u1")) + b'{"user_id": "u2", "full_name": "\xff"}\n' + jsonl(person("u1"))
    assert problems(data, "jsonl") == [
        (2, None, "not UTF-8 text"),
        (3, "user_id", "duplicate of line 1"),
    ]


# --- CSV -------------------------------------------------------------------------------------


def test_csv_rows_are_normalised() -> None:
    data = (
        "\ufeffemail,team, roles ,user_id,full_name,preferred_language\r\n"
        "alex@example.com,ops,update_notice_subscriber; system_administrator;;,u1,"
        '"Martin, ""Alex""; Jr",EN\r\n'
        "\r\n"
        'sam@example.org,ops,,u2,"Sam\nRoy",\r\n'
        "kim@example.com,,security_incident_contact,u3,Kim Lee, fr"
    ).encode()
    assert rows(data, "csv") == [
        SnapshotRow(
            2,
            "u1",
            'Martin, "Alex"; Jr',
            "alex@example.com",
            "en",
            ("system_administrator", "update_notice_subscriber"),
        ),
        SnapshotRow(4, "u2", "Sam\nRoy", "sam@example.org", "", ()),
        SnapshotRow(6, "u3", "Kim Lee", "kim@example.com", "fr", ("security_incident_contact",)),
    ]


def test_csv_header_only_is_a_valid_snapshot_of_nobody() -> None:
    assert rows(HEADER.encode(), "csv") == []


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf"])
def test_csv_without_header(data: bytes) -> None:
    assert problems(data, "csv") == [(None, None, "empty snapshot: no header")]


def test_csv_missing_columns_are_listed_once() -> None:
    data = b"user_id,full_name,language,role\nu1,Alex Martin,fr,system_administrator\n"
    assert problems(data, "csv") == [
        (None, None, "missing columns: email, preferred_language, roles")
    ]


def test_csv_repeated_column() -> None:
    data = (HEADER.rstrip("\n") + ",email\n").encode()
    assert problems(data, "csv") == [(1, "email", "column appears more than once")]


def test_csv_line_problems() -> None:
    data = (
        HEADER
        + "u1,Alex Martin,alex@example.com,fr\n"
        + "u2,Sam Roy,sam@example.org,fr,,extra\n"
        + "u3, ,,fr,\n"
        + ",Kim Lee,kim@example.com,,\n"
        + 'u6,Kim "K" Lee,kim@example.com,,\n'
        + '"u7"x,Kim Lee,kim@example.com,,\n'
        + "u3,Lou Roy,lou@example.com,,\n"
    ).encode()
    assert problems(data, "csv") == [
        (2, None, "expected 5 cells, found 4"),
        (3, None, "expected 5 cells, found 6"),
        (4, "full_name", "missing"),
        (4, "email", "missing"),
        (5, "user_id", "missing"),
        (7, None, "not valid CSV (misplaced quote)"),
        (8, "user_id", "duplicate of line 4"),
    ]


def test_csv_unterminated_quoted_field_is_truncation() -> None:
    data = (HEADER + "u1,Alex Martin,alex@example.com,fr,\n" + 'u2,"Sam Roy,sam@exa').encode()
    assert problems(data, "csv") == [(3, None, "truncated: unterminated quoted field")]


def test_csv_invalid_utf8_names_the_exact_line_far_into_the_file() -> None:
    good = "".join(f"u{n},Alex Martin,a{n}@example.com,fr,\n" for n in range(1, 1000))
    data = (
        (HEADER + good).encode() + b"u1000,\xe9ric,e@example.com,fr,\n" + b"u1,A,a@example.com,,\n"
    )
    assert problems(data, "csv") == [
        (1001, None, "not UTF-8 text"),
        (1002, "user_id", "duplicate of line 2"),
    ]


# --- the whole-file contract -----------------------------------------------------------------


def test_problems_are_capped_with_a_count_of_the_rest() -> None:
    data = jsonl(*(person(f"u{n}", email="") for n in range(1, 6)))
    assert problems(data, "jsonl", max_problems=2) == [
        (1, "email", "missing"),
        (2, "email", "missing"),
        (None, None, "... and 3 more problems"),
    ]
    assert problems(data, "jsonl", max_problems=4)[-1] == (None, None, "... and 1 more problem")
    assert len(problems(data, "jsonl", max_problems=5)) == 5


def test_no_row_is_yielded_after_the_first_problem_and_the_error_comes_last() -> None:
    data = jsonl(person("u1"), person("u2", email=""), person("u3"), person("u4", full_name=""))
    seen: list[str] = []
    with pytest.raises(SnapshotError) as caught:
        seen.extend(row.user_id for row in read_snapshot(io.BytesIO(data), fmt="jsonl"))
    assert seen == ["u1"]
    assert str(caught.value) == "line 2: email: missing\nline 4: full_name: missing"


def test_error_text_is_one_problem_per_line() -> None:
    data = (HEADER + "u1,A,a@example.com,,\nu1,B,,,\n").encode()
    with pytest.raises(SnapshotError) as caught:
        rows(data, "csv", max_problems=1)
    assert str(caught.value) == "line 3: email: missing\n... and 1 more problem"


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (
            b'{"user_id": "z1", "full_name": "Zo\xc3\xa9 Tremblay", "email": zoe@example.com}\n',
            "jsonl",
        ),
        (jsonl(person("Zoé Tremblay"), person("Zoé Tremblay", email="zoe@example.com")), "jsonl"),
        (
            jsonl(person("z1", full_name="Zoé Tremblay", email="zoe@example.com", roles="Zoé")),
            "jsonl",
        ),
        (
            b'{"user_id": "z1", "full_name": "Zo\xc3\xa9 Tremblay", "email": "zoe@example.com',
            "jsonl",
        ),
        ((HEADER + "Zoé Tremblay,zoe@example.com\n").encode(), "csv"),
        (
            (HEADER + 'z1,"Zoé Tremblay",zoe@example.com,fr,\nz1,"Zoé Tremblay"x,,,\n').encode(),
            "csv",
        ),
        ("user_id,Zoé Tremblay,zoe@example.com\n".encode(), "csv"),
        ((HEADER + 'z1,"Zoé Tremblay,zoe@example.com').encode(), "csv"),
    ],
)
def test_error_messages_never_contain_personal_values(data: bytes, fmt: str) -> None:
    with pytest.raises(SnapshotError) as caught:
        rows(data, fmt)
    text = str(caught.value) + repr(caught.value.problems)
    for value in ("zoe@example.com", "Zoé", "Tremblay", "zoe"):
        assert value not in text


class _ProfileSource(io.RawIOBase):
    """An endless-looking snapshot produced on demand, to see how far the parser reads ahead."""

    def __init__(self, lines: int) -> None:
        self.produced = 0
        self._lines = (json.dumps(person(f"u{n}")).encode() + b"\n" for n in range(1, lines + 1))
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        if not self._pending:
            self._pending = next(self._lines, b"")
        view = memoryview(buffer)
        size = min(len(view), len(self._pending))
        view[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.produced += size
        return size


def test_reading_is_streamed() -> None:
    source = _ProfileSource(lines=50_000)
    snapshot = read_snapshot(io.BufferedReader(source), fmt="jsonl")
    assert next(snapshot).user_id == "u1"
    assert source.produced <= 2 * io.DEFAULT_BUFFER_SIZE
    assert sum(1 for _ in snapshot) == 49_999


# --- round trip ------------------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.one_of(st.characters(blacklist_categories=("Cc", "Cs")), st.sampled_from(",;\"' ")),
    min_size=1,
    max_size=20,
)
ROLE = st.sampled_from(
    ["system_administrator", "update_notice_subscriber", "security_incident_contact", "other role"]
)
PROFILE = st.builds(
    lambda user_id, full_name, local, language, roles: (
        user_id,
        full_name,
        f"{local}@example.com",
        language,
        tuple(sorted(roles)),
    ),
    user_id=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8),
    full_name=TEXT.map(str.strip).filter(bool),
    local=TEXT.map(str.strip).filter(bool),
    language=st.sampled_from(["", "fr", "en", "fr-ca", "en-ca"]),
    roles=st.frozensets(ROLE),
)


@given(st.lists(PROFILE, max_size=12, unique_by=lambda profile: profile[0]))
def test_valid_profiles_round_trip_through_jsonl_and_csv(profiles: list[tuple]) -> None:
    as_jsonl = jsonl(
        *(dict(zip(REQUIRED_COLUMNS, (*p[:4], list(p[4])), strict=True)) for p in profiles)
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REQUIRED_COLUMNS)
    writer.writerows((*p[:4], ";".join(p[4])) for p in profiles)

    assert rows(as_jsonl, "jsonl") == [SnapshotRow(n, *p) for n, p in enumerate(profiles, 1)]
    assert rows(out.getvalue().encode(), "csv") == [
        SnapshotRow(n, *p) for n, p in enumerate(profiles, 2)
    ]


# --- fast path and duplicates left to the caller ----------------------------------------------


def test_without_duplicate_checking_a_repeated_id_is_the_callers_to_find() -> None:
    data = jsonl(person("u1"), person("u1", full_name="Alex Roy"))
    assert [row.line for row in rows(data, "jsonl", duplicates=False)] == [1, 2]
    assert problems(data, "jsonl") == [(2, "user_id", "duplicate of line 1")]


@pytest.mark.parametrize("field", ["full_name", "email", "preferred_language"])
def test_a_nul_character_is_refused_naming_its_field(field) -> None:
    """PostgreSQL stores no NUL in text: the row is refused by line and field, not by the
    database halfway through the load."""
    data = jsonl(person("u1"), person("u2", **{field: "fr\x00x"}))
    assert problems(data, "jsonl") == [(2, field, "contains a NUL character")]


def test_json_only_the_standard_library_reads_is_still_read() -> None:
    """orjson refuses integers beyond 64 bits and NaN; the standard library reads them."""
    big = 2**70
    data = b'{"user_id": %d, "full_name": "Alex Martin", "email": "alex@example.com", ' % big
    data += b'"preferred_language": "fr", "roles": ["system_administrator"], "score": NaN}\n'
    (row,) = rows(data, "jsonl")
    assert (row.user_id, row.full_name) == (str(big), "Alex Martin")


_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.lists(st.one_of(st.text(max_size=6), st.integers()), max_size=3),
)


@given(
    record=st.fixed_dictionaries(
        {},
        optional={
            "user_id": st.one_of(_value, st.integers()),
            "full_name": _value,
            "email": _value,
            "preferred_language": _value,
            "roles": _value,
        },
    )
)
def test_the_fast_path_reads_a_row_exactly_as_the_checked_path(record: dict[str, object]) -> None:
    """Without duplicate checking a row takes the fast path; with it, the checked path."""
    assert _read_or_none(record, duplicates=False) == _read_or_none(record, duplicates=True)


def _read_or_none(record: dict[str, object], *, duplicates: bool) -> list[SnapshotRow] | None:
    try:
        return list(read_snapshot(io.BytesIO(jsonl(record)), fmt="jsonl", duplicates=duplicates))
    except SnapshotError:
        return None
