"""Reads of external stores, turned into domain values."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from omni_privacy.core.crypto import unseal
from omni_privacy.policy.loader import active_policy
from omni_privacy.stores.domain.dataset import Dataset, parse_dataset
from omni_privacy.stores.domain.problems import Problem
from omni_privacy.stores.domain.schema import Schema
from omni_privacy.stores.models import ExternalStore, StoreErasure


def store_by_name(name: str) -> ExternalStore | None:
    return ExternalStore.objects.filter(name=name).first()


def stores_all() -> list[ExternalStore]:
    return list(ExternalStore.objects.order_by("name"))


def store_dataset(store: ExternalStore) -> tuple[Dataset | None, list[Problem]]:
    """The store's dataset read against the policy in force (which may have changed since the
    file was added: its problems are today's)."""
    return parse_dataset(store.dataset_text, policy=active_policy())


def store_schema(store: ExternalStore) -> Schema | None:
    """The schema the last check read, or None before the first check."""
    return Schema.from_dict(store.schema) if store.schema else None


def store_connection_url(store: ExternalStore) -> str:
    """The URL in clear, to open a connection only: never show, log or store it."""
    return unseal(store.url_sealed)


def store_erasures_of(reason: str) -> list[StoreErasure]:
    """The per-store erasures asked for one reason (a rights request's ``rights_request:<ref>``),
    by store name: the honest state of each store for that request."""
    return list(
        StoreErasure.objects.filter(reason=reason).select_related("store").order_by("store__name")
    )


def store_erasures_blocked() -> list[StoreErasure]:
    """Erasures a privacy officer must look at (the dashboard's alarm)."""
    return list(
        StoreErasure.objects.filter(state=StoreErasure.State.BLOCKED)
        .select_related("store")
        .order_by("updated_at")
    )


def store_erasures_waiting_count() -> int:
    """Erasures not done yet and not blocked (waiting for their attempt or a retry)."""
    return StoreErasure.objects.filter(state=StoreErasure.State.PENDING).count()


def stores_health() -> dict[str, Any]:
    """For the dashboard: how many stores, which were unreachable at their last check, and
    the erasures blocked or waiting there (one query when no store is registered, two
    otherwise)."""
    stores = list(ExternalStore.objects.order_by("name").values_list("name", "status"))
    if not stores:
        return {"stores": 0, "down": [], "blocked": 0, "waiting": 0}
    counts = StoreErasure.objects.aggregate(
        blocked=Count("pk", filter=Q(state=StoreErasure.State.BLOCKED)),
        waiting=Count("pk", filter=Q(state=StoreErasure.State.PENDING)),
    )
    return {
        "stores": len(stores),
        "down": [name for name, status in stores if status == ExternalStore.Status.UNREACHABLE],
        "blocked": counts["blocked"],
        "waiting": counts["waiting"],
    }
