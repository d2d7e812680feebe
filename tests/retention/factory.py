"""Builders for retention tests: organisations and holdings recorded through the real services.

Plain functions (no fixtures) so that the subprocess scenario (tests/retention/scenario.py) can
call them through `omni-privacy shell`. All data is fictional, on example.com / example.org.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.apps import apps

from omni_privacy.audit.models import AuditEvent
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.domain.gate import HoldingCandidate
from omni_privacy.registry.models import Holding, Organization, Person
from omni_privacy.registry.services import (
    OrganizationInput,
    holding_record,
    organization_upsert,
    person_erasure_request_record,
)

TODAY = dt.date(2026, 11, 25)
ACTOR = "test"
DAY = dt.timedelta(days=1)

# source: (purpose, legal basis, channel) allowed by the shipped policy.
SOURCES = {
    "software_profile": ("communication_obligations", "contract", "monthly_sync"),
    "customer_service": ("service_obligations", "contract", "phone"),
    "sales": ("sales_information", "consent", "email"),
    "administrative": ("order_and_account", "contract", "email"),
}
# Software profiles may not hold a telephone number (policy: fields of software_profile).
NO_PHONE = {"software_profile"}


def organization(
    code: str, *subscriptions: Interval, as_of: dt.date = TODAY, name: str = ""
) -> Organization:
    return organization_upsert(
        actor=ACTOR,
        data=OrganizationInput(
            code=code, name=name or f"Org {code}", subscriptions=tuple(subscriptions)
        ),
        as_of=as_of,
    )


def record(
    org: Organization,
    source: str,
    email: str,
    *,
    collected_at: dt.date,
    full_name: str | None = "Test Person",
    phone: str | None = None,
    roles: Iterable[str] | None = None,
    role_removed_at: dt.date | None = None,
    last_contact_at: dt.date | None = None,
    today: dt.date = TODAY,
) -> Holding:
    """Record (or refresh) a holding through `holding_record` (the gate included)."""
    purpose, basis, channel = SOURCES[source]
    if roles is None:
        roles = ("system_administrator",) if source == "software_profile" else ()
    return holding_record(
        actor=ACTOR,
        organization=org,
        candidate=HoldingCandidate(
            source=source,
            purpose=purpose,
            legal_basis=basis,
            channel=channel,
            collected_at=collected_at,
            full_name=full_name,
            email=email,
            phone=None if source in NO_PHONE else phone,
            preferred_language="fr",
            last_contact_at=last_contact_at,
            roles=tuple(roles),
            role_removed_at=role_removed_at,
        ),
        today=today,
    )


def request_erasure(person: Person, day: dt.date) -> None:
    """The person's erasure request on ``day``, through the registry's service (notice §4 ¶3,
    §5, §9.1)."""
    person_erasure_request_record(actor="test", person=person, requested_on=day)


def live(holding: Holding) -> dict[str, Any] | None:
    """The holding's row as a dict, or None if it is gone."""
    return Holding.objects.filter(pk=holding.pk).values().first()


def last_sequence() -> int:
    """The newest audit event's sequence (0 for an empty log)."""
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def registry_dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every registry table, every column, in primary-key order."""
    return {
        model._meta.db_table: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_app_config("registry").get_models()
    }
