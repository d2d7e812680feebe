"""What a new notice version must be (pure checks)."""

from __future__ import annotations

import datetime as dt

from omni_privacy.notices.domain.rules import KnownVersion, import_problems, order_problems
from tests.said import Said

V1 = KnownVersion(1, dt.date(2023, 1, 1), published=True)
V2 = KnownVersion(2, dt.date(2024, 2, 8), published=True)


def _problems(**changes):
    arguments = {
        "identifier": "QAC-REC-004",
        "version": 3,
        "effective_on": dt.date(2025, 1, 1),
        "classification": "public",
        "text_fr": "Texte.",
        "text_en": "Text.",
        "known": [V1, V2],
    } | changes
    return import_problems(**arguments)


def test_a_good_version_has_no_problem() -> None:
    assert _problems() == []
    assert _problems(known=[]) == []


def test_each_problem_names_its_field() -> None:
    assert _problems(text_fr="  \n", text_en="") == [
        Said("fr", "the text is empty", "empty"),
        Said("en", "the text is empty", "empty"),
    ]
    assert _problems(version=2) == [Said("version", "version 2 already exists", "duplicate")]
    assert _problems(identifier=" ", classification="secret") == [
        Said("identifier", "is required", "required"),
        Said("classification", "must be one of public, internal, confidential"),
    ]


def test_order_after_the_last_published_and_not_before_the_previous_date() -> None:
    draft4 = KnownVersion(4, dt.date(2026, 1, 1), published=False)
    assert order_problems(version=3, effective_on=dt.date(2024, 2, 7), known=[V1, V2]) == [
        Said(
            "effective",
            "is before 2024-02-08, the effective date of version 2",
            "before_previous",
        )
    ]
    assert order_problems(version=2, effective_on=dt.date(2025, 1, 1), known=[V1, draft4]) == []
    v5 = KnownVersion(5, dt.date(2026, 6, 1), published=True)
    assert order_problems(version=4, effective_on=dt.date(2027, 1, 1), known=[V1, v5]) == [
        Said("version", "must be greater than 5, the last published version", "not_after_published")
    ]
