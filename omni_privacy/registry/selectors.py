"""Reads from the registry, turned into domain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

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
    return holdings.alias(sort_name=Coalesce("full_name", Value(""))).order_by("sort_name", "id")


# Above this many holdings the registry's total is counted once a minute, not on every page:
# counting a million rows costs more than the page itself (issue 18 point 5).
EXACT_COUNT_UP_TO = 10_000


@dataclass(frozen=True)
class RegistryPage:
    """One page of the registry, found from its neighbour (keyset), never by OFFSET: the last
    page of a million holdings costs what the first does (issue 18 point 5)."""

    rows: list[Holding]
    number: int
    count: int
    has_previous: bool
    has_next: bool

    @property
    def first(self) -> uuid.UUID | None:
        return self.rows[0].public_id if self.rows else None

    @property
    def last(self) -> uuid.UUID | None:
        return self.rows[-1].public_id if self.rows else None


def _count(holdings: QuerySet[Holding], *, key: str) -> int:
    cached = cache.get(key)
    if cached is not None:
        return int(cached)
    count = holdings.count()
    if count > EXACT_COUNT_UP_TO:
        cache.set(key, count, 60)
    return count


def registry_page(
    *,
    sources: frozenset[str],
    query: str = "",
    after: uuid.UUID | None = None,
    before: uuid.UUID | None = None,
    number: int = 1,
    size: int = 50,
) -> RegistryPage:
    """The page after the holding ``after`` (or before ``before``), in name order; the first
    page without either. ``number`` is the page's number as the reader counted it."""
    holdings = registry_search(sources=sources, query=query)
    key = "registry-count:" + ",".join(sorted(sources)) if not query.strip() else ""
    count = _count(holdings, key=key) if key else holdings.count()
    anchor = after or before
    edge = None
    if anchor is not None:
        edge = (
            Holding.objects.filter(public_id=anchor)
            .annotate(sort_name=Coalesce("full_name", Value("")))
            .values("sort_name", "id")
            .first()
        )
    if edge is None:
        # A page asked by its number alone (a typed or an older link): found by OFFSET.
        start = (number - 1) * size if number > 1 and number * size < count + size else 0
        rows = list(holdings[start : start + size + 1])
        return RegistryPage(rows[:size], start // size + 1, count, start > 0, len(rows) > size)
    name, row_id = edge["sort_name"], edge["id"]
    if after is not None:
        # "name >= X and (name > X or id > Y)": the first half is a range the index can seek.
        later = Q(sort_name__gte=name) & (Q(sort_name__gt=name) | Q(id__gt=row_id))
        rows = list(holdings.filter(later)[: size + 1])
        return RegistryPage(rows[:size], max(2, number), count, True, len(rows) > size)
    earlier = Q(sort_name__lte=name) & (Q(sort_name__lt=name) | Q(id__lt=row_id))
    rows = list(holdings.filter(earlier).order_by(F("sort_name").desc(), "-id")[: size + 1])
    rows.reverse()
    more = len(rows) > size
    return RegistryPage(rows[-size:], max(1, number), count, more, True)


def holding_emails_and_sources(holding_ids: list[int]) -> list[tuple[str, str]]:
    """The distinct (email, source) pairs of these holdings (those with an address): what the
    external stores need to erase the same person's data of the same source."""
    rows = (
        Holding.objects.filter(id__in=holding_ids, email__isnull=False)
        .exclude(email="")
        .values_list("email", "source")
    )
    return sorted({(email, source) for email, source in rows if email})
