"""What an access or an erasure found and did in one store, as plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from omni_privacy.stores.domain.dataset import Keep

DONE = "done"
FAILED = "failed"


@dataclass(frozen=True)
class Identity:
    """What identifies the person in a store. Values are normalised by the caller (the email
    as registry/domain/gate.py's normalize_email gives it)."""

    email: str | None = None
    phone: str | None = None
    id: str | None = None

    def value(self, kind: str) -> str | None:
        return {"email": self.email, "phone": self.phone, "id": self.id}[kind]


@dataclass(frozen=True)
class Failure:
    """Why a store did nothing: a code and parameters that name tables and columns, never a
    value nor the database's own message (which can quote a row)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class KeptColumn:
    column: str
    keep: Keep


@dataclass(frozen=True)
class TableAccess:
    table: str
    rows: int


@dataclass(frozen=True)
class AccessResult:
    store: str
    outcome: str
    tables: tuple[TableAccess, ...] = ()
    failure: Failure | None = None


@dataclass(frozen=True)
class TableErasure:
    """``action`` is delete (rows erased), anonymise (columns set to NULL or replaced) or keep
    (rows kept whole with ``keep``'s reason)."""

    table: str
    action: str
    found: int
    erased: int = 0
    anonymised: int = 0
    kept: int = 0
    keep: Keep | None = None
    kept_columns: tuple[KeptColumn, ...] = ()


@dataclass(frozen=True)
class ErasureResult:
    store: str
    outcome: str
    tables: tuple[TableErasure, ...] = ()
    failure: Failure | None = None
