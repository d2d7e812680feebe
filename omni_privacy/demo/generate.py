"""Fictional demo data: organisations and people covering every source and every holding state.

Deterministic: the same ``seed`` and ``as_of`` give the same organisations, people and holdings
(public UUIDs aside). Names come from Faker (fr_CA and en_CA; the preferred language follows the
locale); every address is built here on example.com / example.org, never by Faker, and every
telephone number lies in the fictional 555-01XX range.

Everything is recorded through the registry's services: `organization_upsert` and
`holding_record` (the collection gate), so demo data obeys the notice like real data. Holdings the
demo shows as already handled (pending deletion, deleted, anonymised) are then moved there by
`registry.demo_states.demo_holding_states_set` (a bulk update with one audit event per state),
inside the same transaction: a demo does not replay years of sweeps.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.db.models import Count
from django.utils.text import slugify
from faker import Faker

from omni_privacy.core import clock
from omni_privacy.demo.export import demo_export_path, demo_export_token
from omni_privacy.policy.domain.facts import Interval, OrganizationFacts
from omni_privacy.registry.demo_states import demo_holding_states_set, demo_instances_synced
from omni_privacy.registry.domain.gate import HoldingCandidate
from omni_privacy.registry.models import Holding, HoldingState, Instance, Organization
from omni_privacy.registry.services import (
    OrganizationInput,
    holding_record,
    instance_create,
    organization_upsert,
)

ROLES = ("system_administrator", "update_notice_subscriber", "security_incident_contact")
AREA_CODES = {"fr": ("514", "438", "418", "450", "819", "581"), "en": ("613", "416", "647", "905")}
DOMAINS = ("example.com", "example.org")

# Organisation kinds, in the order organisations are dealt out (weights by repetition).
SUBSCRIBED = "subscribed"
RENEWAL_PENDING = "renewal_pending"  # subscription ends in the coming months
ENDED_RECENTLY = "ended_recently"  # not renewed, within the notice's 60 days
ENDED_OVERDUE = "ended_overdue"  # not renewed, more than 60 days ago
ENDED_LONG_AGO = "ended_long_ago"  # not renewed, years ago
PURCHASING_GROUP = "purchasing_group"  # never subscribed; member of a purchasing group
PROSPECT = "prospect"  # never subscribed; sales data only
ORGANIZATION_KINDS = (
    SUBSCRIBED,
    PROSPECT,
    RENEWAL_PENDING,
    SUBSCRIBED,
    ENDED_RECENTLY,
    PURCHASING_GROUP,
    SUBSCRIBED,
    ENDED_LONG_AGO,
    PROSPECT,
    ENDED_OVERDUE,
)


@dataclass(frozen=True)
class DemoSummary:
    organizations: dict[str, int]
    """Organisations per kind."""
    people: int
    holdings: dict[tuple[str, str], int]
    """Holdings per (source, state)."""
    statuses: dict[str, int]
    """Active holdings per retention status (kept, scheduled, due, overdue)."""


@dataclass
class _Org:
    organization: Organization
    kind: str
    subscription: Interval | None
    group: Interval | None
    instance: Instance | None = None


@dataclass(frozen=True)
class _Plan:
    """One holding to record, and the state the demo shows it in afterwards."""

    source: str
    collected_at: dt.date
    last_contact_at: dt.date | None = None
    roles: tuple[str, ...] = ()
    role_removed_at: dt.date | None = None
    contacted_us: bool = True
    channel: str = ""
    state: str = HoldingState.ACTIVE


@dataclass
class _Context:
    rng: random.Random
    as_of: dt.date
    org: _Org
    plans: list[_Plan] = field(default_factory=list)

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.as_of - dt.timedelta(days=self.rng.randint(low, high))

    def during_subscription(self) -> dt.date:
        """A day the organisation was subscribed (and not after ``as_of``)."""
        period = self.org.subscription
        assert period is not None  # noqa: S101 - scenarios only ask this of subscribers
        last = min(period.end or self.as_of, self.as_of)
        span = (last - period.start).days
        return period.start + dt.timedelta(days=self.rng.randint(0, max(span, 0)))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- What each kind of person holds. Each adds _Plans to the context. ---


def _profile(ctx: _Context, *, removed: tuple[int, int] | None = None, state: str = "") -> None:
    collected = ctx.during_subscription()
    if removed is None:
        roles = tuple(r for r in ROLES if ctx.rng.random() < 0.5) or (ctx.rng.choice(ROLES),)
        ctx.plans.append(
            _Plan("software_profile", collected, roles=roles, state=state or HoldingState.ACTIVE)
        )
        return
    removed_at = max(ctx.days_ago(*removed), collected)
    ctx.plans.append(
        _Plan(
            "software_profile",
            collected,
            role_removed_at=removed_at,
            state=state or HoldingState.ACTIVE,
        )
    )


def _service(ctx: _Context, *, state: str = HoldingState.ACTIVE) -> None:
    collected = ctx.during_subscription()
    ctx.plans.append(_Plan("customer_service", collected, last_contact_at=collected, state=state))


def _administrative(ctx: _Context) -> None:
    ctx.plans.append(_Plan("administrative", ctx.during_subscription()))


def _sales(
    ctx: _Context,
    *,
    contact_days_ago: tuple[int, int] = (1, 700),
    years_ago: int = 0,
    contacted_us: bool = True,
    state: str = HoldingState.ACTIVE,
) -> None:
    last_contact = _years_before(ctx.days_ago(*contact_days_ago), years_ago)
    collected = last_contact - dt.timedelta(days=ctx.rng.randint(0, 200))
    if not contacted_us and ctx.org.group is not None:
        # A purchasing-group contact is collected while the group's contract is active.
        collected = max(collected, ctx.org.group.start)
        last_contact = max(last_contact, collected)
    ctx.plans.append(
        _Plan(
            "sales",
            collected,
            last_contact_at=last_contact,
            contacted_us=contacted_us,
            state=state,
        )
    )


# (organisation kind, what the person holds). Dealt out in order, so that any run of 24 people
# covers every source, state and retention status; overdue ones are a few on purpose.
Step = Callable[[_Context], None]
Scenario = tuple[str, tuple[Step, ...]]
SCENARIOS: tuple[Scenario, ...] = (
    (SUBSCRIBED, (_profile,)),
    (SUBSCRIBED, (_profile, _service)),
    (PROSPECT, (_sales,)),
    (SUBSCRIBED, (_administrative, _service)),
    (ENDED_RECENTLY, (_service, _administrative)),
    (PURCHASING_GROUP, (partial(_sales, contacted_us=False),)),
    (SUBSCRIBED, (_sales, _service)),
    (SUBSCRIBED, (partial(_profile, removed=(3, 50)),)),
    (ENDED_LONG_AGO, (partial(_profile, state=HoldingState.DELETED), _administrative)),
    (RENEWAL_PENDING, (_profile, _service)),
    (PROSPECT, (partial(_sales, contact_days_ago=(5, 45), years_ago=5),)),
    (SUBSCRIBED, (partial(_profile, removed=(5, 40), state=HoldingState.PENDING_DELETION),)),
    (ENDED_OVERDUE, (_service,)),
    (SUBSCRIBED, (_administrative, _sales)),
    (ENDED_LONG_AGO, (partial(_service, state=HoldingState.ANONYMIZED),)),
    (PROSPECT, (partial(_sales, years_ago=6, state=HoldingState.ANONYMIZED),)),
    (RENEWAL_PENDING, (_administrative,)),
    (ENDED_RECENTLY, (partial(_profile, state=HoldingState.PENDING_DELETION),)),
    (PURCHASING_GROUP, (partial(_sales, contacted_us=False),)),
    (SUBSCRIBED, (_service,)),
    (PROSPECT, (partial(_sales, contact_days_ago=(75, 200), years_ago=5),)),
    (ENDED_LONG_AGO, (_administrative, partial(_service, state=HoldingState.DELETED))),
    (PROSPECT, (partial(_sales, years_ago=7, state=HoldingState.DELETED),)),
    (SUBSCRIBED, (_profile, _administrative)),
)

CHANNELS = {
    "software_profile": ("monthly_sync",),
    "customer_service": ("email", "form", "phone"),
    "sales": ("email", "form", "phone"),
    "administrative": ("email", "form", "phone"),
}


def _periods(
    kind: str, rng: random.Random, as_of: dt.date
) -> tuple[Interval | None, Interval | None]:
    """(subscription, purchasing-group contract) for an organisation of ``kind``."""

    def ago(low: int, high: int) -> dt.date:
        return as_of - dt.timedelta(days=rng.randint(low, high))

    if kind == SUBSCRIBED:
        return Interval(ago(400, 2500)), None
    if kind == RENEWAL_PENDING:
        return Interval(ago(400, 1500), as_of + dt.timedelta(days=rng.randint(30, 200))), None
    if kind in (ENDED_RECENTLY, ENDED_OVERDUE, ENDED_LONG_AGO):
        low, high = {
            ENDED_RECENTLY: (5, 40),
            ENDED_OVERDUE: (75, 150),
            ENDED_LONG_AGO: (900, 1500),
        }[kind]
        end = ago(low, high)
        return Interval(end - dt.timedelta(days=rng.randint(400, 2000)), end), None
    if kind == PURCHASING_GROUP:
        return None, Interval(ago(800, 1500))
    return None, None


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", ".", folded.lower()).strip(".")


class _People:
    """Fictional identities: Faker names, addresses and numbers built on reserved ranges."""

    def __init__(self, seed: int) -> None:
        self.fakers = {"fr": Faker("fr_CA"), "en": Faker("en_CA")}
        for offset, faker in enumerate(self.fakers.values()):
            faker.seed_instance(seed + offset)

    def identity(self, rng: random.Random, number: int) -> dict[str, str | None]:
        language = "fr" if rng.random() < 0.6 else "en"
        faker = self.fakers[language]
        first, last = faker.first_name(), faker.last_name()
        local = f"{_ascii_slug(first)}.{_ascii_slug(last)}{number}"
        phone = None
        if rng.random() < 0.8:
            phone = f"+1 {rng.choice(AREA_CODES[language])} 555 01{rng.randint(0, 99):02d}"
        return {
            "full_name": f"{first} {last}",
            "email": f"{local}@{rng.choice(DOMAINS)}",
            "phone": phone,
            "preferred_language": language,
        }

    def company(self, rng: random.Random) -> str:
        return str(self.fakers[rng.choice(("fr", "en"))].company())


def _instance_create(*, actor: str, organization: Organization, export_base: str) -> Instance:
    """With ``export_base`` (the address this application answers at), the instance's export
    is the demo export this application serves itself (demo/views.py); otherwise it has none
    (snapshots are uploaded or applied from files: omni-privacy sync import)."""
    code = f"{organization.code}-prod"
    if not export_base:
        return instance_create(actor=actor, organization=organization, code=code)
    return instance_create(
        actor=actor,
        organization=organization,
        code=code,
        export_url=export_base.rstrip("/") + demo_export_path(code),
        token=demo_export_token(),
    )


def _organizations(
    *,
    actor: str,
    count: int,
    rng: random.Random,
    people: _People,
    as_of: dt.date,
    export_base: str = "",
) -> list[_Org]:
    orgs: list[_Org] = []
    for index in range(count):
        kind = ORGANIZATION_KINDS[index % len(ORGANIZATION_KINDS)]
        name = people.company(rng)
        code = f"{slugify(name)[:40].strip('-') or 'org'}-{index + 1:03d}"
        subscription, group = _periods(kind, rng, as_of)
        organization = organization_upsert(
            actor=actor,
            data=OrganizationInput(
                code=code,
                name=name,
                subscriptions=(subscription,) if subscription else (),
                purchasing_group_contracts=(group,) if group else (),
            ),
            as_of=as_of,
        )
        org = _Org(organization, kind, subscription, group)
        if subscription is not None:
            # One demo customer instance, the first, is served on loopback (issue 14 point 7).
            served = export_base if not any(o.instance for o in orgs) else ""
            org.instance = _instance_create(
                actor=actor, organization=organization, export_base=served
            )
        orgs.append(org)
    return orgs


def _candidate(
    plan: _Plan, identity: dict[str, str | None], rng: random.Random
) -> HoldingCandidate:
    purposes = {
        "software_profile": ("communication_obligations", "service_obligations"),
        "customer_service": ("service_obligations",),
        "sales": ("sales_information",),
        "administrative": ("order_and_account",),
    }[plan.source]
    bases = {
        "software_profile": ("contract", "legitimate_interest"),
        "customer_service": ("contract",),
        "sales": ("consent", "legitimate_interest")
        if plan.contacted_us
        else ("legitimate_interest",),
        "administrative": ("contract", "legal_obligation"),
    }[plan.source]
    return HoldingCandidate(
        source=plan.source,
        purpose=rng.choice(purposes),
        legal_basis=rng.choice(bases),
        channel=rng.choice(CHANNELS[plan.source]),
        collected_at=plan.collected_at,
        full_name=identity["full_name"],
        email=identity["email"],
        phone=None if plan.source == "software_profile" else identity["phone"],
        preferred_language=identity["preferred_language"],
        last_contact_at=plan.last_contact_at,
        roles=plan.roles,
        role_removed_at=plan.role_removed_at,
        contacted_us=plan.contacted_us,
    )


def demo_generate(
    *, actor: str, people: int, seed: int, as_of: dt.date, export_base: str = ""
) -> DemoSummary:
    """Fill the registry with ``people`` fictional people (see module docstring). With
    ``export_base``, the first instance's export is served by this application at that
    address (demo/views.py). Every instance that holds profiles shows a last sync within the
    month: the profiles came from it."""
    if people < 1:
        raise ValueError("people must be at least 1")
    rng = random.Random(seed)  # noqa: S311 - reproducible fiction, not security
    identities = _People(seed)
    facts_cache: dict[int, OrganizationFacts] = {}
    by_state: dict[str, list[int]] = {}
    with transaction.atomic():
        orgs = _organizations(
            actor=actor,
            count=max(len(ORGANIZATION_KINDS), people // 6),
            rng=rng,
            people=identities,
            as_of=as_of,
            export_base=export_base,
        )
        by_kind: dict[str, list[_Org]] = {}
        for org in orgs:
            by_kind.setdefault(org.kind, []).append(org)
        for number in range(1, people + 1):
            kind, steps = SCENARIOS[(number - 1) % len(SCENARIOS)]
            ctx = _Context(rng=rng, as_of=as_of, org=rng.choice(by_kind[kind]))
            for step in steps:
                step(ctx)
            identity = identities.identity(rng, number)
            for plan in ctx.plans:
                holding = holding_record(
                    actor=actor,
                    organization=ctx.org.organization,
                    candidate=_candidate(plan, identity, rng),
                    today=as_of,
                    instance=ctx.org.instance if plan.source == "software_profile" else None,
                    facts_cache=facts_cache,
                )
                if plan.state != HoldingState.ACTIVE:
                    by_state.setdefault(plan.state, []).append(holding.pk)
        demo_holding_states_set(actor=actor, by_state=by_state)
        demo_instances_synced(actor=actor, synced_at=_last_syncs(orgs, rng, as_of))
    return DemoSummary(
        organizations=dict(Counter(org.kind for org in orgs)),
        people=people,
        holdings=holding_counts(),
        statuses=active_statuses(as_of=as_of),
    )


def _last_syncs(orgs: list[_Org], rng: random.Random, as_of: dt.date) -> dict[int, dt.datetime]:
    """A last sync 1 to 20 days before ``as_of`` (03:00 in OMNI_TIME_ZONE) for each instance
    whose organisation is still subscribed (within the notice's month, §2.4), and on its last
    day for one whose subscription has ended (no sync since: none is allowed)."""
    synced = {}
    for org in orgs:
        if org.instance is None or org.subscription is None:
            continue
        day = as_of - dt.timedelta(days=rng.randint(1, 20))
        if org.subscription.end is not None and org.subscription.end < as_of:
            day = org.subscription.end
        synced[org.instance.pk] = clock.start_of_day(day) + dt.timedelta(hours=3)
    return synced


def holding_counts() -> dict[tuple[str, str], int]:
    rows = Holding.objects.values("source", "state").annotate(n=Count("id")).order_by()
    return {(row["source"], row["state"]): row["n"] for row in rows}


def active_statuses(*, as_of: dt.date) -> dict[str, int]:
    """Active holdings per retention status, from the stored evaluator columns."""
    active = Holding.objects.filter(state=HoldingState.ACTIVE)
    return {
        "kept": active.filter(due_at__isnull=True).count(),
        "scheduled": active.filter(due_at__gt=as_of).count(),
        "due": active.filter(due_at__lte=as_of, deadline_at__gte=as_of).count(),
        "overdue": active.filter(deadline_at__lt=as_of).count(),
    }
