"""Writes to the consent ledger and the suppression list. Each service is one transaction
with its audit event inside it; audit payloads name people by public id and addresses by
keyed digest only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from omni_privacy.audit.services import actor_for, audit_record
from omni_privacy.consent.domain.decision import (
    CONSENT,
    SCOPE_ALL,
    SCOPE_DIRECT_MARKETING,
    latest_consent,
)
from omni_privacy.consent.models import (
    ConsentChannel,
    ConsentEvent,
    Suppression,
    SuppressionSource,
)
from omni_privacy.consent.selectors import consent_marks
from omni_privacy.consent.tokens import read_unsubscribe_token
from omni_privacy.core.digest import email_digest
from omni_privacy.core.errors import InvalidInputError, Problem, define, gettext_noop
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.domain.gate import normalize_email
from omni_privacy.registry.models import LIVE_STATES, Holding, Person

# Refusals of consent, as codes said in the reader's language (core/errors.py).
NOT_PURPOSE_NOTICE = define(
    "consent.not_purpose_notice", gettext_noop("is not a purpose of the notice")
)
MUST_ONE = define("consent.must_one", gettext_noop("must be one of %(allowed)s"))
MUST_FR_EN = define("consent.must_fr_en", gettext_noop("must be fr or en"))
REQUIRED = define("consent.required", gettext_noop("is required"))
MUST_DIRECT_MARKETING_ALL = define(
    "consent.must_direct_marketing_all",
    gettext_noop("must be direct_marketing, all or a purpose of the notice"),
)
LONGER_THAN_CHARACTERS = define(
    "consent.longer_than_characters", gettext_noop("is longer than %(max_reason)s characters")
)
NOT_VALID_EMAIL_ADDRESS = define(
    "consent.not_valid_email_address", gettext_noop("is not a valid email address")
)

LANGUAGES = ("fr", "en")
MAX_REASON = 200


def _actor(actor: Any) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return actor_for(actor)


def consent_record(
    *,
    person: Person,
    purpose: str,
    given: bool,
    notice_identifier: str,
    notice_version: str,
    language: str,
    channel: str,
    at: dt.datetime,
    actor: Any = None,
) -> ConsentEvent:
    """Append a consent given or withdrawn (notice §9 ¶1, §9.1). Never edits an earlier event:
    the latest event for the purpose is what `may_use` reads."""
    errors = []
    if purpose not in active_policy().purposes:
        errors.append(Problem(NOT_PURPOSE_NOTICE, field="purpose"))
    if channel not in ConsentChannel.values:
        errors.append(
            Problem(MUST_ONE, {"allowed": ", ".join(ConsentChannel.values)}, field="channel")
        )
    if language not in LANGUAGES:
        errors.append(Problem(MUST_FR_EN, field="language"))
    if not notice_identifier.strip():
        errors.append(Problem(REQUIRED, field="notice_identifier"))
    if not str(notice_version).strip():
        errors.append(Problem(REQUIRED, field="notice_version"))
    if errors:
        raise InvalidInputError(errors)
    with transaction.atomic():
        event = ConsentEvent.objects.create(
            person_public_id=person.public_id,
            email_digest=person.email_digest,
            purpose=purpose,
            given=given,
            notice_identifier=notice_identifier.strip(),
            notice_version=str(notice_version).strip(),
            language=language,
            channel=channel,
            occurred_at=at,
            actor=_actor(actor),
        )
        audit_record(
            actor=event.actor,
            action="consent.given" if given else "consent.withdrawn",
            object_type="person",
            object_id=str(person.public_id),
            payload={
                "event": str(event.public_id),
                "purpose": purpose,
                "notice": f"{event.notice_identifier} v{event.notice_version}",
                "language": language,
                "channel": channel,
            },
            occurred_at=at,
        )
    return event


def _check_scope(scope: str) -> None:
    if scope in (SCOPE_ALL, SCOPE_DIRECT_MARKETING):
        return
    if scope not in active_policy().purposes:
        raise InvalidInputError([Problem(MUST_DIRECT_MARKETING_ALL, field="scope")])


def _suppression_create(
    *, digest: str, scope: str, reason: str, source: str, at: dt.datetime, actor: Any
) -> Suppression:
    errors = []
    try:
        _check_scope(scope)
    except InvalidInputError as refused:
        errors.extend(refused.errors)
    if source not in SuppressionSource.values:
        errors.append(
            Problem(MUST_ONE, {"allowed": ", ".join(SuppressionSource.values)}, field="source")
        )
    if len(reason) > MAX_REASON:
        errors.append(Problem(LONGER_THAN_CHARACTERS, {"max_reason": MAX_REASON}, field="reason"))
    if errors:
        raise InvalidInputError(errors)
    with transaction.atomic():
        # The same objection twice (a GPC signal on every form) is one suppression.
        existing = Suppression.objects.filter(email_digest=digest, scope=scope).first()
        if existing is not None:
            return existing
        suppression = Suppression.objects.create(
            email_digest=digest,
            scope=scope,
            source=source,
            reason=reason.strip(),
            occurred_at=at,
            actor=_actor(actor),
        )
        audit_record(
            actor=suppression.actor,
            action="suppression.added",
            object_type="suppression",
            object_id=str(suppression.public_id),
            payload={"digest": digest, "scope": scope, "source": source},
            occurred_at=at,
        )
    return suppression


def suppression_add(
    *, email: str, scope: str, reason: str, source: str, at: dt.datetime, actor: Any = None
) -> Suppression:
    """Suppress an address for ``scope`` (notice §9.1 objection; "direct_marketing" is absolute,
    GDPR 21(3)). Stored by keyed digest, never in clear. Adding an existing (address, scope)
    again returns the first suppression."""
    try:
        normalized = normalize_email(email)
    except ValueError as exc:
        raise InvalidInputError([Problem(NOT_VALID_EMAIL_ADDRESS, field="email")]) from exc
    return _suppression_create(
        digest=email_digest(normalized),
        scope=scope,
        reason=reason,
        source=source,
        at=at,
        actor=actor,
    )


@dataclass(frozen=True)
class Withdrawal:
    """What a click on a mailing's link recorded."""

    scope: str
    consent_withdrawn: bool
    suppressed: bool


def withdrawal_by_link(*, token: str, language: str, at: dt.datetime) -> Withdrawal | None:
    """Record the withdrawal or objection a mailing's link stands for (notice §9.1), in one
    transaction. None when the token is not ours.

    For a purpose that rests on consent for this person, a withdrawal event (tied to the
    current notice version and the page's language); for any other basis, or for "all", a
    suppression of the address for that scope, source "objection". Both when the person holds
    the purpose on both kinds of basis. Clicking twice records nothing more.
    """
    claim = read_unsubscribe_token(token)
    if claim is None:
        return None
    person = (
        Person.objects.filter(public_id=claim.person_public_id).first()
        if claim.person_public_id
        else None
    )
    bases: set[str] = set()
    if person is not None and claim.scope not in (SCOPE_ALL, SCOPE_DIRECT_MARKETING):
        bases = set(
            Holding.objects.filter(
                person=person, state__in=LIVE_STATES, purpose=claim.scope
            ).values_list("legal_basis", flat=True)
        )
    withdrew = False
    suppressed = False
    notice = active_policy().notice
    with transaction.atomic():
        if person is not None and CONSENT in bases:
            latest = latest_consent(consent_marks(person, claim.scope), purpose=claim.scope, at=at)
            if latest is None or latest.given:
                consent_record(
                    person=person,
                    purpose=claim.scope,
                    given=False,
                    notice_identifier=notice.identifier,
                    notice_version=str(notice.version),
                    language=language if language in LANGUAGES else "fr",
                    channel=ConsentChannel.EMAIL,
                    at=at,
                    actor="portal",
                )
            withdrew = True
        if bases != {CONSENT}:
            _suppression_create(
                digest=claim.email_digest,
                scope=claim.scope,
                reason="withdrawal link in a mailing",
                source=SuppressionSource.OBJECTION,
                at=at,
                actor="portal",
            )
            suppressed = True
    return Withdrawal(scope=claim.scope, consent_withdrawn=withdrew, suppressed=suppressed)
