"""Which legal hold covers a holding: the one answer the sweep, the plans, the retention
overview and rights-request erasure all ask (issue 13 point 1).

Pure: holds come in as plain values (anything with ``organization_id`` and ``person_id``);
which holds are in force on a day is the database's question (retention/holds.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar


class HoldLike(Protocol):
    """A legal hold as the rule needs it: on one person, or on a whole organisation."""

    @property
    def organization_id(self) -> int | None: ...
    @property
    def person_id(self) -> int | None: ...


H = TypeVar("H", bound=HoldLike)


def hold_covers(hold: HoldLike, *, organization_id: int, person_id: int | None) -> bool:
    """A hold in force keeps a holding past its due day when it names the holding's person or
    the holding's organisation (notice §9.1: erasure unless a legal obligation requires
    keeping the data; QC s.28, GDPR art. 17(3): a claim, litigation or an authority's
    request). A person hold covers every holding of that person, in every organisation."""
    if hold.person_id is not None and hold.person_id == person_id:
        return True
    return hold.organization_id is not None and hold.organization_id == organization_id


def covering_hold(holds: Iterable[H], *, organization_id: int, person_id: int | None) -> H | None:
    """The first of ``holds`` that covers the holding (see ``hold_covers``, notice §9.1), or
    None when none does."""
    for hold in holds:
        if hold_covers(hold, organization_id=organization_id, person_id=person_id):
            return hold
    return None


@dataclass(frozen=True)
class HoldScope:
    """What the holds in force on a day cover, as two sets of ids: the form set-based SQL
    needs (retention/holds.py turns it into one predicate)."""

    organization_ids: frozenset[int] = frozenset()
    person_ids: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.organization_ids or self.person_ids)

    def covers(self, *, organization_id: int, person_id: int | None) -> bool:
        """``hold_covers`` for any of the holds (notice §9.1)."""
        return organization_id in self.organization_ids or (
            person_id is not None and person_id in self.person_ids
        )
