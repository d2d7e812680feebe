"""What a new notice version must be (notice §11; REQUIREMENTS #25), as pure checks.

Versions of one notice are numbered 1, 2, 3...; a version is published only after the last
published one, and comes into force no earlier than the version before it, so that the history
reads in order and the version in force on a given day is never ambiguous.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from omni_privacy.core.errors import FieldError

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
) -> list[FieldError]:
    """A version after the last published one, in force no earlier than the one before it."""
    problems = []
    last = _last_published(known)
    if last is not None and version <= last.version:
        problems.append(
            FieldError(
                "version",
                f"must be greater than {last.version}, the last published version",
                "not_after_published",
            )
        )
    previous = _previous(known, version)
    if previous is not None and effective_on < previous.effective_on:
        problems.append(
            FieldError(
                "effective",
                f"is before {previous.effective_on.isoformat()}, "
                f"the effective date of version {previous.version}",
                "before_previous",
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
) -> list[FieldError]:
    """Everything wrong with a new version, each problem naming its field."""
    problems = []
    if not identifier.strip():
        problems.append(FieldError("identifier", "is required", "required"))
    elif len(identifier) > IDENTIFIER_MAX:
        problems.append(FieldError("identifier", f"is longer than {IDENTIFIER_MAX} characters"))
    if version < 1:
        problems.append(FieldError("version", "must be a whole number of at least 1"))
    if classification not in CLASSIFICATIONS:
        problems.append(
            FieldError("classification", f"must be one of {', '.join(CLASSIFICATIONS)}")
        )
    for field, text in (("fr", text_fr), ("en", text_en)):
        if not text.strip():
            problems.append(FieldError(field, "the text is empty", "empty"))
    if any(item.version == version for item in known):
        problems.append(FieldError("version", f"version {version} already exists", "duplicate"))
    elif version >= 1:
        problems.extend(order_problems(version=version, effective_on=effective_on, known=known))
    return problems
