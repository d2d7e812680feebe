"""Problems as values: the key they are about, a code and its parameters. Interfaces turn the
code into the reader's words (``stores/texts.py``); nothing here is English for a person."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
# The data is not allowed by the notice for its source: the dataset still works (the data can
# be found and erased), but the store fails the conformance check.
CONFORMANCE = "conformance"
# Probably wrong (e.g. a NOT NULL column set to NULL): the store will say so when it is used.
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """``key`` is a dotted path in the dataset file (``tables.orders.columns.email.erase``)."""

    key: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None
    severity: str = ERROR

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "code": self.code,
            "params": dict(self.params),
            "line": self.line,
            "severity": self.severity,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Problem:
        return cls(
            key=raw["key"],
            code=raw["code"],
            params=dict(raw.get("params") or {}),
            line=raw.get("line"),
            severity=raw.get("severity", ERROR),
        )


def errors(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == ERROR]
