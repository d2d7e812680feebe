"""Writes to the registers. Each service is one transaction that writes its audit event; the
audit payloads carry codes, counts and public ids only (never a description or a name)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from omni_privacy.accounts.models import User
from omni_privacy.accounts.permissions import require_privacy_officer
from omni_privacy.accounts.selectors import privacy_officers
from omni_privacy.audit.services import actor_for, audit_record
from omni_privacy.core.errors import InvalidInputError, Problem, Refused, define, gettext_noop
from omni_privacy.outbox.services import outbox_enqueue
from omni_privacy.policy.loader import active_policy
from omni_privacy.registers.domain import disclosures as disclosure_rules
from omni_privacy.registers.domain import incidents as incident_rules
from omni_privacy.registers.models import Disclosure, Incident, IncidentNotice
from omni_privacy.registry.models import LIVE_STATES, Holding, Person

INCOMPLETE = define("registers.incomplete", gettext_noop("is missing or not valid"))
NOT_ASSESSED = define(
    "registers.not_assessed",
    gettext_noop("assess the risk of serious injury before notifying the persons"),
)
ALREADY_NOTIFIED = define("registers.already_notified", gettext_noop("the persons were notified"))


def _refuse(codes: Sequence[str]) -> None:
    if codes:
        raise InvalidInputError([Problem(INCOMPLETE, field=code) for code in codes])


@dataclass(frozen=True)
class DisclosureInput:
    requester_kind: str
    requester: str
    ground: str
    authority: str
    categories: tuple[str, ...]
    disclosed_on: dt.date
    notice: str
    notice_reason: str = ""
    deferred_until: dt.date | None = None


def disclosure_record(
    *,
    actor: User,
    data: DisclosureInput,
    persons: Sequence[Person],
    approver: User,
    at: dt.datetime,
) -> Disclosure:
    """Record a disclosure without consent (§7), approved by a privacy officer holding a current
    delegation on the day of the disclosure (§12)."""
    require_privacy_officer(actor)
    approved = approver in privacy_officers(at=data.disclosed_on)
    facts = disclosure_rules.DisclosureFacts(
        requester_kind=data.requester_kind,
        requester=data.requester,
        ground=data.ground,
        authority=data.authority,
        persons=len(persons),
        categories=data.categories,
        notice=data.notice,
        notice_reason=data.notice_reason,
        deferred_until=data.deferred_until,
        approved=approved,
    )
    _refuse(disclosure_rules.disclosure_problems(facts, known_fields=active_policy().fields))
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            requester_kind=data.requester_kind,
            requester=data.requester.strip(),
            ground=data.ground,
            authority=data.authority.strip(),
            categories=list(data.categories),
            disclosed_on=data.disclosed_on,
            approved_by=approver,
            notice=data.notice,
            notice_reason=data.notice_reason.strip(),
            deferred_until=data.deferred_until if data.notice == "deferred" else None,
        )
        disclosure.persons.set(persons)
        audit_record(
            actor=actor_for(actor),
            action="disclosure.recorded",
            object_type="disclosure",
            object_id=str(disclosure.public_id),
            payload={
                "requester_kind": data.requester_kind,
                "ground": data.ground,
                "persons": len(persons),
                "categories": sorted(data.categories),
                "notice": data.notice,
                "approved_by": str(approver.public_id),
            },
            occurred_at=at,
        )
    return disclosure


@dataclass(frozen=True)
class IncidentInput:
    kind: str
    circumstances: str
    occurred_from: dt.date | None
    aware_at: dt.datetime | None
    persons_count: int | None
    description: str = ""
    description_unknown_reason: str = ""
    occurred_until: dt.date | None = None
    persons_estimated: bool = False
    eu_residents: bool = False


def incident_record(
    *, actor: User, data: IncidentInput, persons: Sequence[Person] = (), at: dt.datetime
) -> Incident:
    """Enter an incident in the register (P-39.1 s.3.8; regulation s.7): its clocks start at
    ``aware_at``."""
    require_privacy_officer(actor)
    _refuse(
        incident_rules.incident_problems(
            incident_rules.IncidentFacts(
                kind=data.kind,
                description=data.description,
                description_unknown_reason=data.description_unknown_reason,
                circumstances=data.circumstances,
                occurred_from=data.occurred_from,
                occurred_until=data.occurred_until,
                aware_at=data.aware_at,
                persons_count=data.persons_count,
                persons_estimated=data.persons_estimated,
            )
        )
    )
    # Checked above (incident_problems names each missing one).
    assert data.aware_at is not None  # noqa: S101
    assert data.occurred_from is not None  # noqa: S101
    assert data.persons_count is not None  # noqa: S101
    with transaction.atomic():
        incident = Incident.objects.create(
            kind=data.kind,
            description=data.description.strip(),
            description_unknown_reason=data.description_unknown_reason.strip(),
            circumstances=data.circumstances.strip(),
            occurred_from=data.occurred_from,
            occurred_until=data.occurred_until,
            aware_at=data.aware_at,
            persons_count=data.persons_count,
            persons_estimated=data.persons_estimated,
            eu_residents=data.eu_residents,
            kept_until=incident_rules.register_kept_until(data.aware_at),
        )
        incident.persons.set(persons)
        audit_record(
            actor=actor_for(actor),
            action="incident.recorded",
            object_type="incident",
            object_id=str(incident.public_id),
            payload={
                "kind": data.kind,
                "persons": data.persons_count,
                "estimated": data.persons_estimated,
                "eu_residents": data.eu_residents,
            },
            occurred_at=at,
        )
    return incident


def incident_assess(
    *,
    actor: User,
    incident: Incident,
    risk: incident_rules.RiskFacts,
    officers: Sequence[User],
    serious: bool | None = None,
    at: dt.datetime,
) -> Incident:
    """Record the assessment of the risk of serious injury (s.3.6-3.7) with the privacy
    officers consulted. ``serious`` is the officer's conclusion (default: the rule's)."""
    require_privacy_officer(actor)
    _refuse(incident_rules.risk_problems(risk))
    conclusion = incident_rules.serious_risk(risk) if serious is None else serious
    with transaction.atomic():
        incident.sensitivity = risk.sensitivity
        incident.consequences = risk.consequences.strip()
        incident.likelihood = risk.likelihood
        incident.serious_risk = conclusion
        incident.assessed_at = at
        incident.save()
        incident.officers_consulted.set(officers)
        audit_record(
            actor=actor_for(actor),
            action="incident.assessed",
            object_type="incident",
            object_id=str(incident.public_id),
            payload={
                "sensitivity": risk.sensitivity,
                "likelihood": risk.likelihood,
                "serious": conclusion,
                "officers": len(officers),
            },
            occurred_at=at,
        )
    return incident


def incident_update(
    *,
    actor: User,
    incident: Incident,
    at: dt.datetime,
    cai_notified_at: dt.datetime | None = None,
    authority_notified_at: dt.datetime | None = None,
    no_notice_reason: str | None = None,
    public_notice_at: dt.datetime | None = None,
    public_notice: str | None = None,
    measures: str | None = None,
    advice: str | None = None,
    closed: bool = False,
) -> Incident:
    """Record the notices to the CAI and to the GDPR authority with their dates (or why none),
    a public notice (s.3.5 ¶3), the measures taken, the advice for the persons; close it."""
    require_privacy_officer(actor)
    changed = []
    for name, value in (
        ("cai_notified_at", cai_notified_at),
        ("authority_notified_at", authority_notified_at),
        ("no_notice_reason", no_notice_reason),
        ("public_notice_at", public_notice_at),
        ("public_notice", public_notice),
        ("measures", measures),
        ("advice", advice),
    ):
        if value is not None:
            setattr(incident, name, value.strip() if isinstance(value, str) else value)
            changed.append(name)
    if closed:
        incident.closed_at = at
        changed.append("closed_at")
    with transaction.atomic():
        incident.save()
        audit_record(
            actor=actor_for(actor),
            action="incident.updated",
            object_type="incident",
            object_id=str(incident.public_id),
            payload={"fields": sorted(changed)},
            occurred_at=at,
        )
    return incident


def _contact(person: Person) -> tuple[str | None, str]:
    holdings = Holding.objects.filter(person=person, state__in=LIVE_STATES).order_by("-id")
    email = next((h.email for h in holdings if h.email), None)
    language = next(
        (h.preferred_language for h in holdings if h.preferred_language in ("fr", "en")), "fr"
    )
    return email, language or "fr"


def incident_notice_text(incident: Incident, *, language: str) -> tuple[str, str]:
    """The notice to a person (regulation s.5): the information concerned, the circumstances,
    the date or period, the measures taken, what the person may do, whom to contact."""
    with translation.override(language):
        body = render_to_string(
            "registers/incident_notice.txt",
            {
                "incident": incident,
                "contact": active_policy().notice.privacy_officer_contact,
                "organization": active_policy().notice.organization,
            },
        )
        subject = str(translation.gettext("Confidentiality incident concerning you"))
    return subject, body


def incident_persons_notify(*, actor: User, incident: Incident, at: dt.datetime) -> int:
    """Send each person concerned the s.5 notice in their language through the outbox. Refused
    before the risk is assessed, or twice. Returns the number of messages queued."""
    require_privacy_officer(actor)
    if incident.serious_risk is None:
        raise Refused(NOT_ASSESSED)
    if incident.persons_notified_at is not None:
        raise Refused(ALREADY_NOTIFIED)
    queued = 0
    with transaction.atomic():
        for person in incident.persons.all():
            email, language = _contact(person)
            message = None
            if email:
                subject, body = incident_notice_text(incident, language=language)
                message = outbox_enqueue(
                    to=email,
                    subject=subject,
                    body_text=body,
                    language=language,
                    kind="incident.notice",
                    reference=str(incident.public_id),
                    urgent=True,
                )
                queued += 1
            IncidentNotice.objects.create(
                incident=incident,
                person=person,
                language=language,
                message=message,
                sent_at=at,
                no_address=email is None,
            )
        incident.persons_notified_at = at
        incident.save(update_fields=["persons_notified_at", "updated_at"])
        audit_record(
            actor=actor_for(actor),
            action="incident.persons_notified",
            object_type="incident",
            object_id=str(incident.public_id),
            payload={"queued": queued, "persons": incident.persons.count()},
            occurred_at=at,
        )
    return queued


def target_hours() -> int:
    return int(settings.OMNI_INCIDENT_TARGET_HOURS)
