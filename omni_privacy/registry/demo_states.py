"""The demo's shortcut to holdings already handled: demo data shows holdings pending deletion,
deleted and anonymised without replaying years of sweeps. Fictional data only (demo/generate.py);
real holdings reach these states through the retention sweep and rights requests."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.registry.models import Holding, HoldingState, Instance

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


def demo_instances_synced(*, actor: str, synced_at: dict[int, dt.datetime]) -> None:
    """The demo's instances as if their last monthly sync had run at the given moments
    (instance primary key → moment): the profiles the demo holds came from somewhere, so the
    dashboard and the Instances page show a last sync, not "never synced" (issue 14). One
    audit event (instance codes only)."""
    if not synced_at:
        return
    with transaction.atomic():
        for pk, moment in sorted(synced_at.items()):
            Instance.objects.filter(pk=pk).update(last_synced_at=moment)
        codes = sorted(Instance.objects.filter(pk__in=synced_at).values_list("code", flat=True))
        audit_record(
            actor=actor,
            action="demo.instances_synced",
            object_type="instance",
            object_id="bulk",
            payload={"count": len(codes), "instances": codes},
        )
