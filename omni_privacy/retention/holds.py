"""Legal holds: which are in force on a day, what they cover as one SQL predicate, placing and
releasing them (privacy officers only), and the list the console and CLI show.

Which hold covers a holding is the notice's rule, decided once in policy/domain/holds.py;
this module only asks the database which holds are in force and turns their scope into the
one predicate (``held_q``) that the sweep, the plans, the overview and rights-request
erasure filter by.
"""

from __future__ import annotations

import datetime as dt
import operator
import uuid
from dataclasses import dataclass
from functools import reduce

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from omni_privacy.accounts.models import User
from omni_privacy.accounts.permissions import is_privacy_officer
from omni_privacy.audit.services import actor_for, audit_record
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError, Problem, define, gettext_noop
from omni_privacy.policy.domain.holds import HoldScope
from omni_privacy.registry.models import Holding, Organization, Person
from omni_privacy.retention.models import LegalHold

# Refusals of holds, as codes said in the reader's language (core/errors.py).
HOLD_EXACTLY_ONE_PERSON = define(
    "holds.hold_exactly_one_person", gettext_noop("hold exactly one person or one organisation")
)
REQUIRED = define("holds.required", gettext_noop("is required"))
IN_PAST = define("holds.in_past", gettext_noop("is in the past"))
ONLY_PRIVACY_OFFICER_MAY = define(
    "holds.only_privacy_officer_may", gettext_noop("only a privacy officer may place a legal hold")
)
ONLY_PRIVACY_OFFICER_MAY_2 = define(
    "holds.only_privacy_officer_may_2",
    gettext_noop("only a privacy officer may release a legal hold"),
)
BEFORE_HOLD_WAS_PLACED = define(
    "holds.before_hold_was_placed", gettext_noop("is before the hold was placed")
)
ALREADY_RELEASED = define("holds.already_released", gettext_noop("is already released"))


def _in_force(as_of: dt.date) -> Q:
    """A hold is in force on ``as_of`` when placed by the end of that day, not released on or
    before it (a hold released on a day no longer covers that day: its run acts), and its
    ``until`` (the last day held) is not past."""
    day_after = clock.start_of_day(as_of + dt.timedelta(days=1))
    return (
        (Q(until__isnull=True) | Q(until__gte=as_of))
        & (Q(released_at__isnull=True) | Q(released_at__gte=day_after))
        & Q(placed_at__lt=day_after)
    )


def active_holds(*, as_of: dt.date) -> QuerySet[LegalHold]:
    """Holds in force on ``as_of`` (see ``_in_force``)."""
    return LegalHold.objects.filter(_in_force(as_of))


def hold_scope(*, as_of: dt.date) -> tuple[HoldScope, list[str]]:
    """What the holds in force on ``as_of`` cover, and their public ids (for the receipt)."""
    rows = list(active_holds(as_of=as_of).values_list("public_id", "organization_id", "person_id"))
    scope = HoldScope(
        organization_ids=frozenset(org for _id, org, _p in rows if org is not None),
        person_ids=frozenset(person for _id, _o, person in rows if person is not None),
    )
    return scope, [str(public_id) for public_id, _o, _p in rows]


def held_q(holds: HoldScope | QuerySet[LegalHold]) -> Q:
    """The holdings that ``holds`` cover, as one predicate on ``Holding``: the set-based form
    of policy/domain/holds.hold_covers (notice §9.1): its organisation or its person is held.

    ``holds`` is a scope already read (``hold_scope``: the ids go as values; never true for
    an empty scope) or a queryset of holds (``active_holds``: the ids go as subqueries, so
    the predicate costs no query of its own)."""
    if not isinstance(holds, HoldScope):
        # NULLs are left out of the subqueries: "x NOT IN (..., NULL)" is never true.
        return Q(
            organization_id__in=holds.filter(organization__isnull=False).values("organization_id")
        ) | Q(person_id__in=holds.filter(person__isnull=False).values("person_id"))
    parts = []
    if holds.organization_ids:
        parts.append(Q(organization_id__in=sorted(holds.organization_ids)))
    if holds.person_ids:
        parts.append(Q(person_id__in=sorted(holds.person_ids)))
    if not parts:
        return Q(pk__isnull=True)  # no holding: the predicate of an empty scope
    return reduce(operator.or_, parts)


def exclude_held(rows: QuerySet[Holding], scope: HoldScope) -> QuerySet[Holding]:
    """``rows`` without the holdings ``scope`` covers (unchanged when nothing is held)."""
    return rows.exclude(held_q(scope)) if scope else rows


def only_held(rows: QuerySet[Holding], scope: HoldScope) -> QuerySet[Holding]:
    """Only the holdings of ``rows`` that ``scope`` covers."""
    return rows.filter(held_q(scope)) if scope else rows.none()


@dataclass(frozen=True)
class HoldRow:
    hold_id: uuid.UUID
    person: uuid.UUID | None
    """The person's public id (None for an organisation hold, or once the person is erased)."""
    organization_code: str
    organization_name: str
    reason: str
    placed_by: str
    placed_at: dt.datetime
    until: dt.date | None
    released_at: dt.datetime | None
    released_by: str
    active: bool


def _staff_name(user: User | None) -> str:
    return "" if user is None else user.get_full_name() or user.get_username()


def legal_holds(*, as_of: dt.date, person: uuid.UUID | None = None) -> list[HoldRow]:
    """Every legal hold (or those on one person), newest first, each marked active or not on
    ``as_of``. One query: holds are few (one per claim or authority request)."""
    holds = LegalHold.objects.select_related("person", "organization", "placed_by", "released_by")
    if person is not None:
        holds = holds.filter(person__public_id=person)
    holds = holds.annotate(
        in_force=ExpressionWrapper(_in_force(as_of), output_field=BooleanField())
    )
    return [
        HoldRow(
            hold_id=hold.public_id,
            person=hold.person.public_id if hold.person else None,
            organization_code=hold.organization.code if hold.organization else "",
            organization_name=hold.organization.name if hold.organization else "",
            reason=hold.reason,
            placed_by=_staff_name(hold.placed_by),
            placed_at=hold.placed_at,
            until=hold.until,
            released_at=hold.released_at,
            released_by=_staff_name(hold.released_by),
            active=bool(hold.in_force),
        )
        for hold in holds.order_by("-placed_at", "-id")
    ]


def legal_hold_place(
    *,
    user: User,
    reason: str,
    person: Person | None = None,
    organization: Organization | None = None,
    until: dt.date | None = None,
    today: dt.date,
    now: dt.datetime | None = None,
) -> LegalHold:
    """Hold a person's or an organisation's data past its due day (privacy officers only).

    In force from ``now`` (default: the wall clock): an operator replaying a past day passes
    the start of ``today``, so that the hold does not cover the days before it."""
    errors = []
    if (person is None) == (organization is None):
        errors.append(Problem(HOLD_EXACTLY_ONE_PERSON, field="target"))
    if not reason.strip():
        errors.append(Problem(REQUIRED, field="reason"))
    if until is not None and until < today:
        errors.append(Problem(IN_PAST, field="until"))
    if not is_privacy_officer(user):
        errors.append(Problem(ONLY_PRIVACY_OFFICER_MAY, field="placed_by"))
    if errors:
        raise InvalidInputError(errors)
    with transaction.atomic():
        hold = LegalHold.objects.create(
            person=person,
            organization=organization,
            reason=reason.strip(),
            placed_by=user,
            placed_at=now or clock.now(),
            until=until,
        )
        audit_record(
            actor=actor_for(user),
            action="legal_hold.placed",
            object_type="legal_hold",
            object_id=str(hold.public_id),
            payload={
                "person": str(person.public_id) if person else None,
                "organization": organization.code if organization else None,
                "until": until.isoformat() if until else None,
            },
        )
    return hold


def legal_hold_release(*, user: User, hold: LegalHold, now: dt.datetime | None = None) -> LegalHold:
    """End a hold at ``now`` (default: the wall clock); the run of that day acts on what it
    covered and is due. Refused before the hold was placed."""
    if not is_privacy_officer(user):
        raise InvalidInputError([Problem(ONLY_PRIVACY_OFFICER_MAY_2, field="released_by")])
    at = now or clock.now()
    if at < hold.placed_at:
        raise InvalidInputError([Problem(BEFORE_HOLD_WAS_PLACED, field="released_at")])
    with transaction.atomic():
        updated = LegalHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(
            released_at=at, released_by=user
        )
        if not updated:
            raise InvalidInputError([Problem(ALREADY_RELEASED, field="hold")])
        audit_record(
            actor=actor_for(user),
            action="legal_hold.released",
            object_type="legal_hold",
            object_id=str(hold.public_id),
            payload={},
        )
    hold.refresh_from_db()
    return hold
