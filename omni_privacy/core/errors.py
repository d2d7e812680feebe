"""Errors that carry the field or line they are about, so every interface can name it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    """One problem with one field. ``field`` is a dotted path (``person.email``)."""

    field: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass
class InvalidInputError(Exception):
    """Raised by services when input is refused; nothing has been written."""

    errors: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(str(error) for error in self.errors)
