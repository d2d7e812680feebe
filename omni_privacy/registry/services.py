"""Writes to the registry. Each service is one transaction with its audit event inside it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.core.crypto import seal
from omni_privacy.core.digest import email_digest
from omni_privacy.core.errors import InvalidInputError, Problem, define, gettext_noop
from omni_privacy.policy.domain.facts import HoldingFacts, Interval, OrganizationFacts
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.domain.gate import AcceptedHolding, HoldingCandidate, check_holding
from omni_privacy.registry.models import (
    LIVE_STATES,
    Holding,
    HoldingState,
    Instance,
    Organization,
    Person,
    PurchasingGroupContract,
    Subscription,
)
from omni_privacy.registry.retention_columns import (
    RetentionColumns,
    apply_decision,
    decision_columns,
    holding_facts_of,
)
from omni_privacy.registry.selectors import organization_facts
from omni_privacy.registry.writers import (
    holdings_insert,
    holdings_write,
    person_ids_for_digests,
)

# What a SlugField holds (the importer accepts the same codes).
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,64}")
MAX_TOKEN = 4096


@dataclass(frozen=True)
class OrganizationInput:
    code: str
    name: str
    subscriptions: tuple[Interval, ...] = ()
    purchasing_group_contracts: tuple[Interval, ...] = ()


ORGANIZATION_CODE = define(
    "registry.organization_code", gettext_noop("must be letters, digits, - or _")
)
REQUIRED = define("registry.required", gettext_noop("is required"))
BEFORE_START = define("registry.before_start", gettext_noop("is before start"))
INSTANCE_NAME = define(
    "registry.instance_name",
    gettext_noop("use letters, digits, hyphens and underscores (acme-prod)"),
)
INSTANCE_TAKEN = define(
    "registry.instance_taken", gettext_noop("an instance of that name is already registered")
)
INSTANCE_URL = define(
    "registry.instance_url", gettext_noop("must be an http:// or https:// address")
)
TOKEN_EMPTY = define("registry.token_empty", gettext_noop("is empty"))
TOKEN_TOO_LONG = define(
    "registry.token_too_long", gettext_noop("is longer than %(limit)s characters")
)


def check_organization(data: OrganizationInput) -> list[Problem]:
    errors = []
    if not data.code or not data.code.replace("-", "").replace("_", "").isalnum():
        errors.append(Problem(ORGANIZATION_CODE, field="id"))
    if not data.name.strip():
        errors.append(Problem(REQUIRED, field="name"))
    for key, periods in (
        ("subscriptions", data.subscriptions),
        ("purchasing_group_contracts", data.purchasing_group_contracts),
    ):
        for index, period in enumerate(periods):
            if period.end is not None and period.end < period.start:
                errors.append(Problem(BEFORE_START, field=f"{key}[{index}].end"))
    return errors


def _reevaluate_organization(organization: Organization, *, as_of: dt.date) -> int:
    """Recompute the retention columns of every live holding of ``organization``."""
    facts = organization_facts(organization)
    # Only what the evaluator reads and what may be written back: an organisation's live
    # holdings are read whole on every upsert (a re-import reads each organisation's).
    read = ("source", "collected_at", "last_contact_at", "role_removed_at",
            "erasure_requested_at", "roles", "due_at", "deadline_at", "retention_rule",
            "retention_action")  # fmt: skip
    holdings = list(
        Holding.objects.filter(organization=organization, state__in=LIVE_STATES).only(*read)
    )
    changed = []
    for holding in holdings:
        before = (
            holding.due_at,
            holding.deadline_at,
            holding.retention_rule,
            holding.retention_action,
        )
        apply_decision(holding, facts, as_of=as_of)
        after = (
            holding.due_at,
            holding.deadline_at,
            holding.retention_rule,
            holding.retention_action,
        )
        if after != before:
            changed.append(holding)
    # Only the rows whose answer moved, in one set-based statement (Django's bulk_update
    # builds a CASE per row and column: seconds for an organisation of thousands).
    holdings_write(
        holdings=changed, fields=("due_at", "deadline_at", "retention_rule", "retention_action")
    )
    return len(holdings)


def organization_upsert(*, actor: str, data: OrganizationInput, as_of: dt.date) -> Organization:
    """Create or replace an organisation and its periods; reschedule its holdings' retention
    (a renewal postpones, a non-renewal starts notice §4 ¶2/¶4's clocks)."""
    errors = check_organization(data)
    if errors:
        raise InvalidInputError(errors)
    with transaction.atomic():
        organization, created = Organization.objects.update_or_create(
            code=data.code, defaults={"name": data.name.strip()}
        )
        organization.subscriptions.all().delete()
        organization.purchasing_group_contracts.all().delete()
        Subscription.objects.bulk_create(
            Subscription(organization=organization, start=p.start, end=p.end)
            for p in data.subscriptions
        )
        PurchasingGroupContract.objects.bulk_create(
            PurchasingGroupContract(organization=organization, start=p.start, end=p.end)
            for p in data.purchasing_group_contracts
        )
        rescheduled = _reevaluate_organization(organization, as_of=as_of)
        audit_record(
            actor=actor,
            action="organization.created" if created else "organization.updated",
            object_type="organization",
            object_id=organization.code,
            payload={
                "subscriptions": [
                    [str(p.start), str(p.end) if p.end else None] for p in data.subscriptions
                ],
                "purchasing_group_contracts": [
                    [str(p.start), str(p.end) if p.end else None]
                    for p in data.purchasing_group_contracts
                ],
                "holdings_rescheduled": rescheduled,
            },
        )
    return organization


def _facts_for(
    organization: Organization, cache: dict[int, OrganizationFacts] | None
) -> OrganizationFacts:
    if cache is None:
        return organization_facts(organization)
    if organization.pk not in cache:
        cache[organization.pk] = organization_facts(organization)
    return cache[organization.pk]


def holding_record(
    *,
    actor: str,
    organization: Organization,
    candidate: HoldingCandidate,
    today: dt.date,
    instance: Instance | None = None,
    facts_cache: dict[int, OrganizationFacts] | None = None,
) -> Holding:
    """Record (or refresh) what is held about one person under one source, through the gate.

    Raises InvalidInputError naming every refused field; nothing is written then. A person is
    found again by the keyed digest of their normalised email; their live holding for the same
    source and organisation is updated rather than duplicated.
    """
    facts = _facts_for(organization, facts_cache)
    result = check_holding(candidate, active_policy(), facts, today=today)
    if result.accepted is None:
        raise InvalidInputError(result.errors)
    accepted = result.accepted
    with transaction.atomic():
        person, _ = Person.objects.get_or_create(email_digest=email_digest(accepted.email))
        holding = (
            Holding.objects.select_for_update()
            .filter(
                person=person,
                source=accepted.source,
                organization=organization,
                state__in=LIVE_STATES,
            )
            .first()
        )
        created = holding is None
        if holding is None:
            holding = Holding(person=person, organization=organization, source=accepted.source)
        _fill(holding, accepted, person_id=person.pk, instance=instance, created=created)
        apply_decision(holding, facts, as_of=today)
        holding.save()
        audit_record(
            actor=actor,
            action="holding.recorded" if created else "holding.updated",
            object_type="holding",
            object_id=str(holding.public_id),
            payload={
                "person": str(person.public_id),
                "organization": organization.code,
                "source": holding.source,
                "purpose": holding.purpose,
                "legal_basis": holding.legal_basis,
                "channel": holding.channel,
                "fields": holding.held_fields,
                "retention_rule": holding.retention_rule or None,
                "due_at": str(holding.due_at) if holding.due_at else None,
            },
        )
    return holding


def _filled(
    accepted: AcceptedHolding,
    *,
    instance_id: int | None,
    previous: tuple[dt.date, dt.date | None, int | None] | None,
) -> dict[str, Any]:
    """The field values (by attribute name) a holding takes from ``accepted``: a new one
    (``previous`` None), or the live one it refreshes, whose (collected_at, last_contact_at,
    instance_id) are ``previous``."""
    collected_at, last_contact_at = accepted.collected_at, accepted.last_contact_at
    if previous is not None:
        held_collected, held_contact, held_instance = previous
        # A new contact restarts the notice §4 ¶3 clock; it never moves it back.
        last_contact_at = max(held_contact or held_collected, last_contact_at or collected_at)
        collected_at = min(held_collected, collected_at)
        instance_id = instance_id or held_instance
    return {
        "instance_id": instance_id,
        "purpose": accepted.purpose,
        "legal_basis": accepted.legal_basis,
        "channel": accepted.channel,
        "collected_at": collected_at,
        "last_contact_at": last_contact_at,
        "roles": list(accepted.roles),
        "role_removed_at": accepted.role_removed_at,
        # As the monthly sync does (docs/collection.md): a profile whose roles were removed is
        # pending deletion (notice §4 ¶1); one flagged again is active again.
        "state": (
            HoldingState.PENDING_DELETION
            if accepted.role_removed_at is not None
            else HoldingState.ACTIVE
        ),
        "full_name": accepted.full_name,
        "email": accepted.email,
        "phone": accepted.phone,
        "preferred_language": accepted.preferred_language,
    }


def _fill(
    holding: Holding,
    accepted: AcceptedHolding,
    *,
    person_id: int,
    instance: Instance | None,
    created: bool,
) -> None:
    """Set what ``accepted`` says on ``holding`` (new, or the live one it refreshes)."""
    previous = (
        None if created else (holding.collected_at, holding.last_contact_at, holding.instance_id)
    )
    values = _filled(accepted, instance_id=instance.pk if instance else None, previous=previous)
    for name, value in values.items():
        setattr(holding, name, value)
    holding.person_id = person_id


# The columns ``_fill`` and ``apply_decision`` set: what a batch writes back to an updated row.
_FILLED = (
    "instance", "purpose", "legal_basis", "channel", "collected_at", "last_contact_at", "roles",
    "role_removed_at", "state", "full_name", "email", "phone", "preferred_language", "person",
    "due_at", "deadline_at", "retention_rule", "retention_action", "updated_at",
)  # fmt: skip


@dataclass(frozen=True)
class HoldingItem:
    """One holding to record in a batch: its organisation, what arrived, and its instance."""

    organization: Organization
    candidate: HoldingCandidate
    instance: Instance | None = None


class BatchRefusedError(InvalidInputError):
    """Item ``index`` of a batch was refused by the gate; nothing of the batch was written."""

    def __init__(self, index: int, errors: list[Problem]) -> None:
        super().__init__(errors)
        self.index = index


@dataclass(frozen=True)
class BatchReport:
    recorded: int
    updated: int


def holdings_record_batch(
    *,
    actor: str,
    items: list[HoldingItem],
    today: dt.date,
    facts_cache: dict[int, OrganizationFacts] | None = None,
    action: str = "holdings.imported",
) -> BatchReport:
    """Record (or refresh) many holdings at once, as ``holding_record`` does one by one, but
    set-based (issue 18 point 4): every item through the gate first, then
    ``holdings_record_accepted``. Raises BatchRefusedError (the item's index) on a refusal;
    nothing is written then."""
    policy = active_policy()
    accepted: list[AcceptedItem] = []
    for index, item in enumerate(items):
        facts = _facts_for(item.organization, facts_cache)
        result = check_holding(item.candidate, policy, facts, today=today)
        if result.accepted is None:
            raise BatchRefusedError(index, result.errors)
        accepted.append(AcceptedItem(item.organization, result.accepted, item.instance))
    return holdings_record_accepted(
        actor=actor, items=accepted, today=today, facts_cache=facts_cache, action=action
    )


@dataclass(frozen=True)
class AcceptedItem:
    """One holding the collection gate accepted (``check_holding``'s answer for the day and the
    organisation's facts), with its organisation and instance."""

    organization: Organization
    accepted: AcceptedHolding
    instance: Instance | None = None


# What a new holding of a batch is written with (registry.writers.holdings_insert's columns).
_NEW_COLUMNS = (
    "person_id", "organization_id", "source", "instance_id", "purpose", "legal_basis", "channel",
    "collected_at", "last_contact_at", "roles", "role_removed_at", "state", "full_name", "email",
    "phone", "preferred_language", "due_at", "deadline_at", "retention_rule", "retention_action",
)  # fmt: skip


def holdings_record_accepted(
    *,
    actor: str,
    items: Sequence[AcceptedItem],
    today: dt.date,
    facts_cache: dict[int, OrganizationFacts] | None = None,
    action: str = "holdings.imported",
) -> BatchReport:
    """Record (or refresh) the holdings ``items``, which the gate has accepted already (the
    importer checks a whole file before it writes anything, and so gates each line once): the
    people by digest in one statement, the live holdings they refresh in one read (none for
    people just created), the new holdings as rows in one insert, the refreshed ones in one
    UPDATE, and one audit event naming the counts and the holdings.

    An item repeating an earlier one (same person, source and organisation) refreshes it, as
    the second of two calls would."""
    if not items:
        return BatchReport(0, 0)
    now = clock.now()
    digests = [email_digest(item.accepted.email) for item in items]
    # A file's holdings share few sets of facts: each set is evaluated once per batch.
    decisions: dict[tuple[HoldingFacts, int], RetentionColumns] = {}

    def columns_for(facts: HoldingFacts, organization: Organization) -> RetentionColumns:
        held = (facts, organization.pk)
        columns = decisions.get(held)
        if columns is None:
            columns = decisions[held] = decision_columns(
                facts, _facts_for(organization, facts_cache), as_of=today
            )
        return columns

    with transaction.atomic():
        people = person_ids_for_digests(digests=digests)
        known = {people.ids[digest] for digest in set(digests) - people.created}
        live = {
            (h.person_id, h.source, h.organization_id): h
            for h in Holding.objects.select_for_update().filter(
                person_id__in=sorted(known), state__in=LIVE_STATES
            )
        } if known else {}  # fmt: skip
        new: dict[tuple[int, str, int], dict[str, Any]] = {}
        refreshed: dict[int, Holding] = {}
        recorded = updated = 0
        for item, digest in zip(items, digests, strict=True):
            accepted, organization = item.accepted, item.organization
            person_id = people.ids[digest]
            key = (person_id, accepted.source, organization.pk)
            instance_id = item.instance.pk if item.instance is not None else None
            holding = live.get(key)
            if holding is not None:
                updated += 1
                _fill(holding, accepted, person_id=person_id, instance=item.instance, created=False)
                columns = columns_for(holding_facts_of(holding), organization)
                holding.due_at, holding.deadline_at = columns[0], columns[1]
                holding.retention_rule, holding.retention_action = columns[2], columns[3]
                holding.updated_at = now
                refreshed[holding.pk] = holding
                continue
            row = new.get(key)
            if row is None:
                recorded += 1
                previous = None
            else:
                updated += 1
                previous = (row["collected_at"], row["last_contact_at"], row["instance_id"])
            values = _filled(accepted, instance_id=instance_id, previous=previous)
            facts = HoldingFacts(
                source=accepted.source,
                collected_at=values["collected_at"],
                last_contact_at=values["last_contact_at"],
                role_removed_at=values["role_removed_at"],
                erasure_requested_at=None,
                roles=accepted.roles,
            )
            (
                values["due_at"],
                values["deadline_at"],
                values["retention_rule"],
                values["retention_action"],
            ) = columns_for(facts, organization)
            values["person_id"], values["organization_id"] = person_id, organization.pk
            values["source"] = accepted.source
            new[key] = values
        added = holdings_insert(
            fixed={},
            columns=_NEW_COLUMNS,
            rows=[[values[name] for name in _NEW_COLUMNS] for values in new.values()],
        )
        holdings_write(holdings=list(refreshed.values()), fields=_FILLED)
        audit_record(
            actor=actor,
            action=action,
            object_type="holding_batch",
            object_id=f"{now.isoformat()}:{recorded}:{updated}",
            payload={
                "recorded": recorded,
                "updated": updated,
                "holdings": [
                    *(str(public_id) for public_id in added),
                    *(str(h.public_id) for h in refreshed.values()),
                ],
            },
        )
    return BatchReport(recorded, updated)


def _check_instance(*, code: str, export_url: str, token: str | None) -> list[Problem]:
    errors = []
    if not SLUG.fullmatch(code):
        errors.append(Problem(INSTANCE_NAME, field="name"))
    elif Instance.objects.filter(code=code).exists():
        errors.append(Problem(INSTANCE_TAKEN, field="name"))
    if export_url:
        try:
            URLValidator(schemes=["http", "https"])(export_url)
        except ValidationError:
            errors.append(Problem(INSTANCE_URL, field="url"))
    if token is not None and not token.strip():
        errors.append(Problem(TOKEN_EMPTY, field="token"))
    elif token is not None and len(token) > MAX_TOKEN:
        errors.append(Problem(TOKEN_TOO_LONG, {"limit": MAX_TOKEN}, field="token"))
    return errors


def instance_create(
    *,
    actor: str,
    organization: Organization,
    code: str,
    export_url: str = "",
    token: str | None = None,
) -> Instance:
    """Register one of an organisation's Omni-Assistant instances (source of the monthly sync,
    notice §2.4 scenario 1). The export token is stored sealed (core/crypto.py), never in
    clear, and the audit event says only whether there is one."""
    errors = _check_instance(code=code, export_url=export_url, token=token)
    if errors:
        raise InvalidInputError(errors)
    with transaction.atomic():
        instance = Instance.objects.create(
            code=code,
            organization=organization,
            export_url=export_url,
            token_sealed=seal(token.strip()) if token else "",
        )
        audit_record(
            actor=actor,
            action="instance.created",
            object_type="instance",
            object_id=instance.code,
            payload={
                "organization": organization.code,
                "export_url": bool(export_url),
                "token": bool(token),
            },
        )
    return instance


def organizations_by_code(codes: Iterable[str]) -> dict[str, Organization]:
    return {org.code: org for org in Organization.objects.filter(code__in=set(codes))}


def person_erasure_request_record(*, actor: str, person: Person, requested_on: dt.date) -> int:
    """Record a person's erasure request and reschedule the data it covers: their live
    holdings collected on or before ``requested_on`` (notice §4 ¶3, §5: a non-subscriber may ask
    at any time, done within 60 days; §9.1: erasure wherever no clause requires keeping the
    data). The request is a fact of those holdings only: data collected after it is new data,
    with its own clock. The evaluator decides which holdings it makes due; the others keep the
    clause that still requires them. Returns the number of holdings the request covers."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.erasure_requested_at is None or requested_on < person.erasure_requested_at:
            person.erasure_requested_at = requested_on
            person.save(update_fields=["erasure_requested_at", "updated_at"])
        holdings = list(
            Holding.objects.filter(
                person=person, state__in=LIVE_STATES, collected_at__lte=requested_on
            ).select_related("organization")
        )
        cache: dict[int, OrganizationFacts] = {}
        for holding in holdings:
            if holding.erasure_requested_at is None or requested_on < holding.erasure_requested_at:
                holding.erasure_requested_at = requested_on
            apply_decision(holding, _facts_for(holding.organization, cache), as_of=requested_on)
        Holding.objects.bulk_update(
            holdings,
            ["erasure_requested_at", "due_at", "deadline_at", "retention_rule", "retention_action"],
        )
        audit_record(
            actor=actor,
            action="person.erasure_requested",
            object_type="person",
            object_id=str(person.public_id),
            payload={
                "requested_on": requested_on.isoformat(),
                "holdings_rescheduled": len(holdings),
                "due": sorted(
                    {
                        str(h.due_at)
                        for h in holdings
                        if h.due_at is not None and h.due_at <= requested_on
                    }
                ),
            },
        )
    return len(holdings)
