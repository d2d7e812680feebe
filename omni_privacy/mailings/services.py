"""Campaigns: create, send (purpose-checked, refused whole when its audience is wrong), close.

Each service is one transaction with its audit event; the audit payload carries counts and
public ids, never an address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from omni_privacy.audit.services import actor_for, audit_record
from omni_privacy.consent.selectors import may_use
from omni_privacy.consent.tokens import unsubscribe_token
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError, Problem, define, gettext_noop
from omni_privacy.mailings.domain.audience import KINDS, NOTICE_CHANGE, SECURITY_INCIDENT
from omni_privacy.mailings.models import Campaign, CampaignRecipient, CampaignState
from omni_privacy.mailings.selectors import campaign_audience
from omni_privacy.outbox.models import OutboxStatus
from omni_privacy.outbox.services import outbox_enqueue
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import Instance, Organization

# Refusals of mailings, as codes said in the reader's language (core/errors.py).
MUST_ONE = define("mailings.must_one", gettext_noop("must be one of %(allowed)s"))
REQUIRED_ONE_LINE_MOST = define(
    "mailings.required_one_line_most",
    gettext_noop("is required, on one line, at most %(max_subject)s"),
)
REQUIRED = define("mailings.required", gettext_noop("is required"))
NO_ORGANISATION = define("mailings.no_organisation", gettext_noop("no organisation '%(code)s'"))
NO_INSTANCE = define("mailings.no_instance", gettext_noop("no instance '%(code)s'"))
NAME_AFFECTED_ORGANISATIONS = define(
    "mailings.name_affected_organisations", gettext_noop("name the affected organisations")
)
NOTICE_IDENTIFIER_VERSION_ARE = define(
    "mailings.notice_identifier_version_are",
    gettext_noop("the notice identifier and version are required"),
)
ONLY_DRAFT_CAMPAIGN_SENT = define(
    "mailings.only_draft_campaign_sent", gettext_noop("only a draft campaign is sent")
)

NOTICE_PATHS = {"fr": "/fr/avis-de-confidentialite", "en": "/en/privacy-notice"}
MAX_SUBJECT = 200


def _actor(actor: Any) -> str:
    if actor is None:
        return "system"
    return actor if isinstance(actor, str) else actor_for(actor)


def notice_url(language: str) -> str:
    return settings.OMNI_PUBLIC_URL + NOTICE_PATHS[language]


def unsubscribe_url(*, language: str, token: str) -> str:
    path = reverse(f"portal:unsubscribe_{language}", kwargs={"token": token})
    return settings.OMNI_PUBLIC_URL + path


def _notice_texts(identifier: str, version: str) -> dict[str, str]:
    texts = {}
    for language in ("fr", "en"):
        with translation.override(language):
            texts[f"subject_{language}"] = gettext("Our privacy notice has changed")
            texts[f"body_{language}"] = render_to_string(
                "mailings/notice_change.txt",
                {"identifier": identifier, "version": version, "notice_url": notice_url(language)},
            ).strip()
    return texts


def _check(data: dict[str, Any], kind: str) -> list[Problem]:
    errors = []
    if kind not in KINDS:
        errors.append(Problem(MUST_ONE, {"allowed": ", ".join(KINDS)}, field="kind"))
    for key in ("subject_fr", "subject_en"):
        value = data[key]
        if not value.strip() or "\n" in value or len(value) > MAX_SUBJECT:
            errors.append(Problem(REQUIRED_ONE_LINE_MOST, {"max_subject": MAX_SUBJECT}, field=key))
    for key in ("body_fr", "body_en"):
        if not data[key].strip():
            errors.append(Problem(REQUIRED, field=key))
    known = set(
        Organization.objects.filter(code__in=data["organizations"]).values_list("code", flat=True)
    )
    errors.extend(
        Problem(NO_ORGANISATION, {"code": code}, field="organizations")
        for code in data["organizations"]
        if code not in known
    )
    known = set(Instance.objects.filter(code__in=data["instances"]).values_list("code", flat=True))
    errors.extend(
        Problem(NO_INSTANCE, {"code": code}, field="instances")
        for code in data["instances"]
        if code not in known
    )
    if kind == SECURITY_INCIDENT and not data["organizations"]:
        errors.append(Problem(NAME_AFFECTED_ORGANISATIONS, field="organizations"))
    if kind == NOTICE_CHANGE and not (data["notice_identifier"] and data["notice_version"]):
        errors.append(Problem(NOTICE_IDENTIFIER_VERSION_ARE, field="notice_version"))
    return errors


def campaign_create(
    *,
    kind: str,
    actor: Any,
    subject_fr: str = "",
    subject_en: str = "",
    body_fr: str = "",
    body_en: str = "",
    organizations: tuple[str, ...] | list[str] = (),
    instances: tuple[str, ...] | list[str] = (),
    notice_identifier: str = "",
    notice_version: str = "",
) -> Campaign:
    """A draft campaign. A notice-change announcement writes its own FR/EN subject and body
    from the notice identifier and version (notice §11). Raises InvalidInputError naming the
    field; nothing is written then."""
    data: dict[str, Any] = {
        "subject_fr": subject_fr,
        "subject_en": subject_en,
        "body_fr": body_fr,
        "body_en": body_en,
        "organizations": sorted(set(organizations)),
        "instances": sorted(set(instances)),
        "notice_identifier": notice_identifier.strip(),
        "notice_version": str(notice_version).strip(),
    }
    if kind == NOTICE_CHANGE and data["notice_identifier"] and data["notice_version"]:
        data |= _notice_texts(data["notice_identifier"], data["notice_version"])
    errors = _check(data, kind)
    if errors:
        raise InvalidInputError(errors)
    spec = KINDS[kind]
    with transaction.atomic():
        campaign = Campaign.objects.create(
            kind=kind,
            purpose=spec.purpose,
            urgent=spec.urgent,
            created_by=_actor(actor),
            subject_fr=data["subject_fr"].strip(),
            subject_en=data["subject_en"].strip(),
            body_fr=data["body_fr"],
            body_en=data["body_en"],
            organizations=data["organizations"],
            instances=data["instances"],
            notice_identifier=data["notice_identifier"],
            notice_version=data["notice_version"],
        )
        audit_record(
            actor=campaign.created_by,
            action="campaign.created",
            object_type="campaign",
            object_id=str(campaign.public_id),
            payload={
                "kind": kind,
                "purpose": spec.purpose,
                "organizations": data["organizations"],
                "instances": data["instances"],
                "notice": f"{data['notice_identifier']} v{data['notice_version']}"
                if kind == NOTICE_CHANGE
                else "",
            },
        )
    return campaign


@dataclass
class _RefusalError(Exception):
    people: int


def _message_text(campaign: Campaign, *, language: str, token: str) -> tuple[str, str]:
    policy = active_policy()
    purpose = campaign.purpose
    with translation.override(language):
        label = (
            policy.purposes[purpose].label.get(language)
            if purpose
            else gettext("informing you of changes to the privacy notice")
        )
        body = render_to_string(
            "mailings/message.txt",
            {
                "body": getattr(campaign, f"body_{language}").strip(),
                "purpose_label": label,
                "unsubscribe_url": unsubscribe_url(language=language, token=token),
                "notice_url": notice_url(language),
            },
        )
    return getattr(campaign, f"subject_{language}"), body.strip() + "\n"


def campaign_send(*, campaign: Campaign, actor: Any, at: dt.datetime | None = None) -> Campaign:
    """Queue one message per recipient, each in the recipient's language, and record who was
    sent what. Refused whole, with the count of people concerned, when the kind's selection
    reaches anyone whose holdings do not carry the campaign's purpose (notice §3); and again
    if `may_use` says no for any recipient at the moment of queueing (defence in depth).
    Returns the campaign, in state "sending" (or "sent" when nobody was due) or "refused"."""
    at = at or clock.now()
    label = _actor(actor)
    kind = KINDS[campaign.kind]
    try:
        with transaction.atomic():
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if locked.state != CampaignState.DRAFT:
                raise InvalidInputError([Problem(ONLY_DRAFT_CAMPAIGN_SENT, field="state")])
            planned = campaign_audience(campaign=locked, at=at)
            audience = planned.audience
            if audience.refused:
                raise _RefusalError(people=len(audience.without_purpose))
            rows = []
            for candidate in audience.recipients:
                person = planned.people[candidate.person_public_id]
                if kind.purpose and not may_use(person=person, purpose=kind.purpose, at=at):
                    raise _RefusalError(people=1)
                language = candidate.language or "fr"
                token = unsubscribe_token(
                    person_public_id=person.public_id,
                    email_digest=person.email_digest,
                    scope=kind.purpose or "all",
                )
                subject, body = _message_text(locked, language=language, token=token)
                message = outbox_enqueue(
                    to=planned.addresses[person.public_id],
                    subject=subject,
                    body_text=body,
                    language=language,
                    kind=f"campaign.{locked.kind}",
                    reference=str(locked.public_id),
                    urgent=kind.urgent,
                    purpose=kind.purpose,
                )
                rows.append(
                    CampaignRecipient(
                        campaign=locked,
                        person_public_id=person.public_id,
                        language=language,
                        message=message,
                    )
                )
            CampaignRecipient.objects.bulk_create(rows, batch_size=500)
            locked.state = CampaignState.SENDING if rows else CampaignState.SENT
            locked.sent_at = at
            locked.audience = {
                "recipients": len(rows),
                "by_language": audience.by_language,
                "left_out": audience.left_out,
            }
            locked.save(update_fields=["state", "sent_at", "audience", "updated_at"])
            audit_record(
                actor=label,
                action="campaign.sent",
                object_type="campaign",
                object_id=str(locked.public_id),
                payload={"kind": locked.kind, "purpose": locked.purpose, **locked.audience},
                occurred_at=at,
            )
    except _RefusalError as refusal:
        with transaction.atomic():
            refusal_body = {
                "reason": "without_purpose",
                "people": refusal.people,
                "purpose": kind.purpose,
            }
            Campaign.objects.filter(pk=campaign.pk, state=CampaignState.DRAFT).update(
                state=CampaignState.REFUSED, refusal=refusal_body, updated_at=at
            )
            audit_record(
                actor=label,
                action="campaign.refused",
                object_type="campaign",
                object_id=str(campaign.public_id),
                payload=refusal_body,
                occurred_at=at,
            )
    campaign.refresh_from_db()
    return campaign


def campaigns_close(*, at: dt.datetime) -> int:
    """Mark "sent" every sending campaign none of whose messages is still queued or being sent;
    returns how many."""
    closed = 0
    pending = (OutboxStatus.QUEUED, OutboxStatus.SENDING)
    for campaign in Campaign.objects.filter(state=CampaignState.SENDING):
        if campaign.recipients.filter(message__status__in=pending).exists():
            continue
        with transaction.atomic():
            updated = Campaign.objects.filter(pk=campaign.pk, state=CampaignState.SENDING).update(
                state=CampaignState.SENT, updated_at=at
            )
            if updated:
                audit_record(
                    actor="system",
                    action="campaign.delivered",
                    object_type="campaign",
                    object_id=str(campaign.public_id),
                    occurred_at=at,
                )
                closed += 1
    return closed


def announce_published_notice(version: Any) -> Campaign:
    """notices.hooks.on_publish: announce a published notice version to everyone held (notice
    §11). ``version`` has ``identifier`` and ``version`` attributes."""
    campaign = campaign_create(
        kind=NOTICE_CHANGE,
        actor="system",
        notice_identifier=str(version.identifier),
        notice_version=str(version.version),
    )
    return campaign_send(campaign=campaign, actor="system")
