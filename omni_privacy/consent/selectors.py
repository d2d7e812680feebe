"""Reads of the consent ledger and the suppression list, and THE question every use asks:
`may_use(person=..., purpose=..., at=...)` (consent/domain/decision.py holds the rule)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from omni_privacy.consent.domain.decision import (
    ConsentMark,
    HeldPurpose,
    SuppressionMark,
    UseDecision,
    decide_use,
    scope_covers,
)
from omni_privacy.consent.models import ConsentEvent, Suppression
from omni_privacy.core import clock
from omni_privacy.core.digest import email_digest
from omni_privacy.registry.domain.gate import normalize_email
from omni_privacy.registry.models import LIVE_STATES, Holding, Person

if TYPE_CHECKING:
    from omni_privacy.outbox.models import OutboxMessage

NO_SUCH_PERSON = "no_such_person"


@dataclass(frozen=True)
class ConsentView:
    """One ledger event as the console, the CLI and a rights request show it."""

    public_id: uuid.UUID
    purpose: str
    given: bool
    notice_identifier: str
    notice_version: str
    language: str
    channel: str
    occurred_at: dt.datetime
    actor: str


@dataclass(frozen=True)
class SuppressionView:
    public_id: uuid.UUID
    email_digest: str
    scope: str
    source: str
    reason: str
    occurred_at: dt.datetime
    actor: str


def digest_of(email: str) -> str:
    """The keyed digest of an address as the registry computes it (any spelling that normalises
    the same gives the same digest; an address that does not parse is digested as typed)."""
    try:
        normalized = normalize_email(email)
    except ValueError:
        normalized = email.strip()
    return email_digest(normalized)


def _held(person: Person) -> list[HeldPurpose]:
    rows = Holding.objects.filter(person=person, state__in=LIVE_STATES).values_list(
        "purpose", "legal_basis"
    )
    return [HeldPurpose(purpose=purpose, legal_basis=basis) for purpose, basis in rows]


def _suppression_marks(digests: set[str]) -> list[SuppressionMark]:
    rows = Suppression.objects.filter(email_digest__in=digests).values_list("scope", "occurred_at")
    return [SuppressionMark(scope=scope, at=at) for scope, at in rows]


def consent_marks(person: Person, purpose: str | None = None) -> list[ConsentMark]:
    events = ConsentEvent.objects.filter(person_public_id=person.public_id)
    if purpose is not None:
        events = events.filter(purpose=purpose)
    return [
        ConsentMark(purpose=p, given=g, at=at, sequence=pk)
        for pk, p, g, at in events.values_list("id", "purpose", "given", "occurred_at")
    ]


def use_decision(*, person: Person, purpose: str, at: dt.datetime) -> UseDecision:
    """`may_use` with its reason (allowed, no_holding, suppressed, consent_withdrawn,
    no_consent), for the console and for a campaign's refusal message."""
    return decide_use(
        purpose=purpose,
        held=_held(person),
        suppressions=_suppression_marks({person.email_digest}),
        consents=consent_marks(person, purpose),
        at=at,
    )


def may_use(*, person: Person, purpose: str, at: dt.datetime) -> bool:
    """May this person's data be used for ``purpose`` at ``at``? True only with a live holding
    carrying the purpose, no suppression covering it and, where the purpose rests on consent,
    a latest consent event that is a consent given (notice §3, §9, §9.1)."""
    return use_decision(person=person, purpose=purpose, at=at).allowed


def consent_history(*, person: Person, purpose: str | None = None) -> list[ConsentView]:
    """The person's ledger, oldest first: did they consent to P, under which notice version."""
    events = ConsentEvent.objects.filter(person_public_id=person.public_id)
    if purpose is not None:
        events = events.filter(purpose=purpose)
    return [
        ConsentView(
            public_id=event.public_id,
            purpose=event.purpose,
            given=event.given,
            notice_identifier=event.notice_identifier,
            notice_version=event.notice_version,
            language=event.language,
            channel=event.channel,
            occurred_at=event.occurred_at,
            actor=event.actor,
        )
        for event in events.order_by("occurred_at", "id")
    ]


def _suppressed_digest(digest: str, purpose: str, *, at: dt.datetime) -> bool:
    return any(
        mark.at <= at and scope_covers(mark.scope, purpose) for mark in _suppression_marks({digest})
    )


def is_suppressed(*, email: str, purpose: str) -> bool:
    """Whether a suppression covers ``purpose`` for this address now (any spelling)."""
    return _suppressed_digest(digest_of(email), purpose, at=clock.now())


def suppressions(*, email: str | None = None, digest: str | None = None) -> list[SuppressionView]:
    """Every suppression (newest first), or those of one address (given or digested)."""
    rows = Suppression.objects.all()
    if email:
        rows = rows.filter(email_digest=digest_of(email))
    if digest:
        rows = rows.filter(email_digest=digest)
    return [
        SuppressionView(
            public_id=row.public_id,
            email_digest=row.email_digest,
            scope=row.scope,
            source=row.source,
            reason=row.reason,
            occurred_at=row.occurred_at,
            actor=row.actor,
        )
        for row in rows.order_by("-occurred_at", "-id")
    ]


def outbox_veto(message: OutboxMessage) -> str | None:
    """Checked by the outbox right before each send (outbox/hooks.py): the reason not to send,
    or None. A message for a purpose is sent only if `may_use` still holds for the person the
    address belongs to (a suppression, a withdrawal or an erasure since it was queued stops
    it); a message without a purpose (a notice-change announcement) only if no "all"
    suppression covers the address."""
    now = clock.now()
    if not message.purpose:
        return "suppressed" if _suppressed_digest(message.recipient_digest, "", at=now) else None
    person = Person.objects.filter(email_digest=message.recipient_digest).first()
    if person is None:
        return NO_SUCH_PERSON
    decision = use_decision(person=person, purpose=message.purpose, at=now)
    return None if decision.allowed else decision.reason
