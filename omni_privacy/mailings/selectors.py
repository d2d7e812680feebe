"""Reads for mailings: a campaign's audience (who, in which language, who is left out and why)
and its delivery figures from the outbox."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from omni_privacy.consent.domain.decision import ALLOWED, NO_CONSENT, SUPPRESSED
from omni_privacy.consent.selectors import use_decision
from omni_privacy.mailings.domain.audience import (
    KINDS,
    Audience,
    Candidate,
    language_of,
    plan_audience,
)
from omni_privacy.mailings.models import Campaign, CampaignRecipient
from omni_privacy.outbox.models import OutboxStatus
from omni_privacy.registry.models import Holding, Person
from omni_privacy.registry.selectors import live_holdings


@dataclass(frozen=True)
class PlannedAudience:
    audience: Audience
    addresses: dict[uuid.UUID, str]
    people: dict[uuid.UUID, Person]


def _selected(campaign: Campaign) -> QuerySet[Holding]:
    holdings = live_holdings().select_related("person").exclude(person=None)
    if campaign.organizations:
        holdings = holdings.filter(organization__code__in=campaign.organizations)
    if campaign.instances:
        holdings = holdings.filter(instance__code__in=campaign.instances)
    return holdings.order_by("person_id", "-updated_at", "id")


def _decision(person: Person, purposes: set[str], kind_purpose: str, at: dt.datetime) -> str:
    if kind_purpose:
        return use_decision(person=person, purpose=kind_purpose, at=at).reason
    # A notice-change announcement (§11) informs; it is not a use of one purpose. It is due to
    # everyone held, except who objected to, or withdrew consent for, every purpose held (an
    # "all" suppression does both). A consent never recorded does not stop it.
    reasons = [use_decision(person=person, purpose=p, at=at).reason for p in sorted(purposes)]
    if ALLOWED in reasons or NO_CONSENT in reasons:
        return ALLOWED
    return SUPPRESSED if SUPPRESSED in reasons else (reasons[0] if reasons else SUPPRESSED)


def campaign_audience(*, campaign: Campaign, at: dt.datetime) -> PlannedAudience:
    """Every person the campaign's kind selects (by role, organisations and instances), each
    with `use_decision`'s answer for the campaign's purpose, the address and the language of
    the holding that qualifies them."""
    kind = KINDS[campaign.kind]
    by_person: dict[int, list[Holding]] = defaultdict(list)
    for holding in _selected(campaign):
        if kind.role and kind.role not in (holding.roles or []):
            continue
        by_person[holding.person_id].append(holding)  # type: ignore[index]
    candidates = []
    addresses: dict[uuid.UUID, str] = {}
    people: dict[uuid.UUID, Person] = {}
    for holdings in by_person.values():
        person = holdings[0].person
        assert person is not None  # noqa: S101 - excluded in _selected
        # The holding carrying the purpose speaks for the address and the language.
        ranked = sorted(holdings, key=lambda h: h.purpose != kind.purpose)
        email = next((h.email for h in ranked if h.email), None)
        decision = _decision(person, {h.purpose for h in holdings}, kind.purpose, at)
        candidates.append(
            Candidate(
                person_public_id=person.public_id,
                decision=decision,
                language=language_of([h.preferred_language for h in ranked]),
                has_address=email is not None,
            )
        )
        if email:
            addresses[person.public_id] = email
        people[person.public_id] = person
    return PlannedAudience(plan_audience(candidates), addresses, people)


def campaign_delivery(*, campaign: Campaign) -> dict[str, int]:
    """How many of the campaign's messages are in each outbox status."""
    counts = dict.fromkeys(OutboxStatus.values, 0)
    rows = (
        CampaignRecipient.objects.filter(campaign=campaign, message__isnull=False)
        .values("message__status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["message__status"]] = row["n"]
    return counts


def campaigns(*, limit: int = 100) -> list[Campaign]:
    return list(Campaign.objects.order_by("-created_at", "-id")[:limit])


def told_of_notice(*, identifier: str, version: str) -> QuerySet[CampaignRecipient]:
    """Who was sent the announcement of notice ``identifier`` version ``version`` (notice §11),
    with the language and the outbox message (its status says whether it went)."""
    return CampaignRecipient.objects.filter(
        campaign__kind="notice_change",
        campaign__notice_identifier=identifier,
        campaign__notice_version=version,
    ).select_related("message")
