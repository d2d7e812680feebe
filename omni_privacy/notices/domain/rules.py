"""What a new notice version must be (notice §11; REQUIREMENTS #25), as pure checks.

Versions of one notice are numbered 1, 2, 3...; a version is published only after the last
published one, and comes into force no earlier than the version before it, so that the history
reads in order and the version in force on a given day is never ambiguous.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from omni_privacy.core.errors import Problem, define, gettext_noop

# Refusals of notice, as codes said in the reader's language (core/errors.py).
MUST_GREATER_THAN_LAST = define(
    "notice.must_greater_than_last",
    gettext_noop("must be greater than %(version)s, the last published version"),
)
BEFORE_EFFECTIVE_DATE_VERSION = define(
    "notice.before_effective_date_version",
    gettext_noop("is before %(value)s, the effective date of version %(version)s"),
)
REQUIRED = define("notice.required", gettext_noop("is required"))
LONGER_THAN_CHARACTERS = define(
    "notice.longer_than_characters", gettext_noop("is longer than %(identifier_max)s characters")
)
MUST_WHOLE_NUMBER_LEAST = define(
    "notice.must_whole_number_least", gettext_noop("must be a whole number of at least 1")
)
MUST_ONE = define("notice.must_one", gettext_noop("must be one of %(value)s"))
TEXT_EMPTY = define("notice.text_empty", gettext_noop("the text is empty"))
VERSION_ALREADY_EXISTS = define(
    "notice.version_already_exists", gettext_noop("version %(version)s already exists")
)

IDENTIFIER_MAX = 64
CLASSIFICATIONS = ("public", "internal", "confidential")


@dataclass(frozen=True)
class KnownVersion:
    """One version already recorded for the same notice."""

    version: int
    effective_on: dt.date
    published: bool


def _last_published(known: Sequence[KnownVersion]) -> KnownVersion | None:
    published = [item for item in known if item.published]
    return max(published, key=lambda item: item.version) if published else None


def _previous(known: Sequence[KnownVersion], version: int) -> KnownVersion | None:
    before = [item for item in known if item.version < version]
    return max(before, key=lambda item: item.version) if before else None


def order_problems(
    *, version: int, effective_on: dt.date, known: Sequence[KnownVersion]
) -> list[Problem]:
    """A version after the last published one, in force no earlier than the one before it."""
    problems = []
    last = _last_published(known)
    if last is not None and version <= last.version:
        problems.append(Problem(MUST_GREATER_THAN_LAST, {"version": last.version}, field="version"))
    previous = _previous(known, version)
    if previous is not None and effective_on < previous.effective_on:
        problems.append(
            Problem(
                BEFORE_EFFECTIVE_DATE_VERSION,
                {"value": previous.effective_on.isoformat(), "version": previous.version},
                field="effective",
            )
        )
    return problems


def import_problems(
    *,
    identifier: str,
    version: int,
    effective_on: dt.date,
    classification: str,
    text_fr: str,
    text_en: str,
    known: Sequence[KnownVersion],
) -> list[Problem]:
    """Everything wrong with a new version, each problem naming its field."""
    problems = []
    if not identifier.strip():
        problems.append(Problem(REQUIRED, field="identifier"))
    elif len(identifier) > IDENTIFIER_MAX:
        problems.append(
            Problem(LONGER_THAN_CHARACTERS, {"identifier_max": IDENTIFIER_MAX}, field="identifier")
        )
    if version < 1:
        problems.append(Problem(MUST_WHOLE_NUMBER_LEAST, field="version"))
    if classification not in CLASSIFICATIONS:
        problems.append(
            Problem(MUST_ONE, {"value": ", ".join(CLASSIFICATIONS)}, field="classification")
        )
    for field, text in (("fr", text_fr), ("en", text_en)):
        if not text.strip():
            problems.append(Problem(TEXT_EMPTY, field=field))
    if any(item.version == version for item in known):
        problems.append(Problem(VERSION_ALREADY_EXISTS, {"version": version}, field="version"))
    elif version >= 1:
        problems.extend(order_problems(version=version, effective_on=effective_on, known=known))
    return problems
