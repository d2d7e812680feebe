"""Reads from the registry, turned into domain values."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from omni_privacy.core.digest import email_digest
from omni_privacy.policy.domain.facts import Interval, OrganizationFacts
from omni_privacy.registry.domain.gate import normalize_email
from omni_privacy.registry.models import LIVE_STATES, Holding, Organization, Person


def organization_facts(organization: Organization) -> OrganizationFacts:
    return OrganizationFacts(
        subscriptions=tuple(
            Interval(start, end)
            for start, end in organization.subscriptions.values_list("start", "end")
        ),
        purchasing_group_contracts=tuple(
            Interval(start, end)
            for start, end in organization.purchasing_group_contracts.values_list("start", "end")
        ),
    )


def person_by_email(email: str) -> Person | None:
    """The person whose address is ``email`` (any spelling that normalises the same), or None."""
    try:
        normalized = normalize_email(email)
    except ValueError:
        return None
    return Person.objects.filter(email_digest=email_digest(normalized)).first()


def live_holdings() -> QuerySet[Holding]:
    return Holding.objects.filter(state__in=LIVE_STATES)


def registry_search(*, sources: frozenset[str], query: str = "") -> QuerySet[Holding]:
    """Live holdings of the given sources matching ``query`` on name, email or organisation."""
    holdings = live_holdings().filter(source__in=sources).select_related("organization", "person")
    query = query.strip()
    if query:
        holdings = holdings.filter(
            Q(full_name__icontains=query)
            | Q(email__icontains=query)
            | Q(organization__name__icontains=query)
            | Q(organization__code__iexact=query)
        )
    return holdings.order_by("full_name", "id")
