"""``Said(field, message)``: a refusal as a test states it, equal to a coded
:class:`~omni_privacy.core.errors.Problem` with that field whose English words are ``message``.

Services raise codes (core/errors.py); a test that names the English words compares them
through this, whatever language the test runs in. The third argument (the old kind of the
refusal: ``invalid``, ``condition``…) is kept for the tests' reading and not compared."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation

from omni_privacy.core.errors import Problem


@dataclass(frozen=True, eq=False)
class Said:
    field: str
    message: str
    kind: str = "invalid"
    line: int | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        with translation.override("en"):
            said = (other.field, other.message, other.line)
        return said == (self.field, self.message, self.line)

    __hash__ = None  # type: ignore[assignment]
