"""The demo's shortcut to holdings already handled: demo data shows holdings pending deletion,
deleted and anonymised without replaying years of sweeps. Fictional data only (demo/generate.py);
real holdings reach these states through the retention sweep and rights requests."""

from __future__ import annotations

from django.db import transaction

from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.registry.models import Holding, HoldingState

_PERSONAL = {"full_name": None, "email": None, "phone": None, "preferred_language": None}


def demo_holding_states_set(*, actor: str, by_state: dict[str, list[int]]) -> None:
    """Move the given holdings (primary keys per state) to their state: per state, one bulk
    update and one audit event (holding UUIDs and counts only). Deleted and anonymised holdings
    lose their personal values; anonymised ones their person too."""
    ended = clock.now()
    for state in (HoldingState.PENDING_DELETION, HoldingState.DELETED, HoldingState.ANONYMIZED):
        ids = sorted(by_state.get(state, []))
        if not ids:
            continue
        holdings = Holding.objects.filter(pk__in=ids)
        public_ids = [
            str(value) for value in holdings.order_by("pk").values_list("public_id", flat=True)
        ]
        changes: dict[str, object] = {"state": state}
        if state == HoldingState.DELETED:
            changes |= _PERSONAL | {"ended_at": ended}
        elif state == HoldingState.ANONYMIZED:
            changes |= _PERSONAL | {"ended_at": ended, "person": None}
        with transaction.atomic():
            holdings.update(**changes)
            audit_record(
                actor=actor,
                action="demo.holdings_state_set",
                object_type="holding",
                object_id="bulk",
                payload={"state": str(state), "count": len(ids), "holdings": public_ids},
            )
