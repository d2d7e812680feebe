"""Mergers, acquisitions and sales of assets (notice §7, QC s.18.4): record, agreement first,
a notice to every affected person in their language, then (and only then) the export to the
buyer, itself a recipient of the register (services.require_transfer)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from omni_privacy.accounts.permissions import require_privacy_officer
from omni_privacy.audit.services import actor_for, audit_record, person_reads_record
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError, Problem, Refused, define, gettext_noop
from omni_privacy.outbox.models import OutboxStatus
from omni_privacy.outbox.services import outbox_enqueue
from omni_privacy.registry.models import Organization
from omni_privacy.transfers import texts
from omni_privacy.transfers.domain.rules import (
    MERGER_UNTOLD,
    MERGER_WAITING,
    export_allowed_from,
    merger_may_export,
)
from omni_privacy.transfers.models import (
    Merger,
    MergerPerson,
    MergerState,
    NoticeState,
    Recipient,
    RecipientKind,
)
from omni_privacy.transfers.selectors import merger_facts, merger_holdings
from omni_privacy.transfers.services import require_transfer

# Refusals of merger, as codes said in the reader's language (core/errors.py).
REFERENCE_TITLE_PARTIES_SOURCES = define(
    "merger.reference_title_parties_sources", gettext_noop("reference, title, parties, sources")
)
REQUIRED = define("merger.required", gettext_noop("is required"))

NOTICE_VERSION = "merger-notice-v1"


def merger_record(
    *,
    user: Any,
    reference: str,
    title: str,
    parties: str,
    buyer: Recipient,
    organizations: list[Organization],
    sources: list[str],
) -> Merger:
    require_privacy_officer(user)
    if buyer.kind != RecipientKind.BUYER:
        raise Refused(texts.NOT_BUYER)
    if not reference or not title.strip() or not parties.strip() or not sources:
        raise InvalidInputError([Problem(REFERENCE_TITLE_PARTIES_SOURCES, field="reference")])
    with transaction.atomic():
        merger = Merger.objects.create(
            reference=reference, title=title.strip(), parties=parties.strip(), buyer=buyer,
            sources=sorted(set(sources)),
        )  # fmt: skip
        merger.organizations.set(organizations)
        audit_record(
            actor=actor_for(user),
            action="merger.recorded",
            object_type="merger",
            object_id=str(merger.public_id),
            payload={
                "reference": reference,
                "buyer": buyer.key,
                "organizations": [org.code for org in organizations],
                "sources": merger.sources,
            },
        )
    return merger


def merger_agreement_record(
    *,
    user: Any,
    merger: Merger,
    reference: str,
    agreement_date: dt.date,
    use_only_for_deal: bool,
    no_communication: bool,
    protection: bool,
    destruction_if_fails: bool,
) -> Merger:
    """QC s.18.4: the agreement comes before any notice or export; each term confirmed."""
    require_privacy_officer(user)
    if not all((use_only_for_deal, no_communication, protection, destruction_if_fails)):
        raise Refused(texts.AGREEMENT_TERMS)
    if not reference.strip():
        raise InvalidInputError([Problem(REQUIRED, field="reference")])
    with transaction.atomic():
        merger = Merger.objects.select_for_update().get(pk=merger.pk)
        if merger.state != MergerState.DRAFT:
            raise Refused(texts.WRONG_STATE)
        merger.agreement_reference = reference.strip()
        merger.agreement_date = agreement_date
        merger.agreement_recorded_at = clock.now()
        merger.state = MergerState.AGREED
        merger.save()
        audit_record(
            actor=actor_for(user),
            action="merger.agreement_recorded",
            object_type="merger",
            object_id=str(merger.public_id),
            payload={"date": agreement_date.isoformat(), "terms": 4},
        )
    return merger


def _notice(merger: Merger, language: str, export_on: dt.date) -> tuple[str, str]:
    with translation.override(language):
        subject = _("Omni: your personal information in a business transaction")
        body = _(
            "Hello,\n\nOmni is preparing the following transaction: %(title)s (%(parties)s).\n"
            "The personal information Omni holds about you may be transferred to %(buyer)s, "
            "not before %(day)s, under an agreement that limits its use to this transaction, "
            "forbids any other communication, requires its protection and its destruction "
            "if the transaction does not happen.\n\n"
            "Questions, or to exercise your rights: info@omni-assistant.net "
            "(Omni's privacy officers).\n\nNotice %(version)s."
        ) % {
            "title": merger.title,
            "parties": merger.parties,
            "buyer": merger.buyer.name,
            "day": export_on.isoformat(),
            "version": NOTICE_VERSION,
        }
    return subject, body


def merger_notify(*, user: Any, merger: Merger, today: dt.date | None = None) -> int:
    """Notice §7: queue one notice per affected person, in their language; returns how many."""
    require_privacy_officer(user)
    today = today or clock.today()
    export_on = export_allowed_from(today, settings.OMNI_MERGER_NOTICE_DAYS)
    with transaction.atomic():
        merger = Merger.objects.select_for_update().get(pk=merger.pk)
        if merger.state != MergerState.AGREED:
            raise Refused(texts.WRONG_STATE)
        addresses: dict[int, tuple[str, str]] = {}
        for holding in merger_holdings(merger).exclude(email=None).order_by("id"):
            assert holding.person_id is not None  # noqa: S101 (merger_holdings keeps persons)
            addresses.setdefault(
                holding.person_id, (holding.email or "", holding.preferred_language or "fr")
            )
        rows = []
        for person_id, (address, preferred) in addresses.items():
            language = preferred if preferred in ("fr", "en") else "fr"
            subject, body = _notice(merger, language, export_on)
            message = outbox_enqueue(
                to=address, subject=subject, body_text=body, language=language,
                kind="merger.notice", reference=str(merger.public_id),
            )  # fmt: skip
            rows.append(
                MergerPerson(
                    merger=merger,
                    person_id=person_id,
                    language=language,
                    notice_version=NOTICE_VERSION,
                    message=message,
                )
            )
        MergerPerson.objects.bulk_create(rows)
        merger.state = MergerState.NOTIFYING
        merger.notice_version = NOTICE_VERSION
        merger.notified_at = clock.now()
        merger.save()
        audit_record(
            actor=actor_for(user),
            action="merger.notified",
            object_type="merger",
            object_id=str(merger.public_id),
            payload={
                "persons": len(rows),
                "by_language": dict(Counter(row.language for row in rows)),
                "version": NOTICE_VERSION,
            },
        )
    return len(rows)


def merger_notices_refresh(*, merger: Merger) -> dict[str, int]:
    """Record who was told (the outbox sent it) and whose notice failed for good."""
    changed: Counter[str] = Counter()
    with transaction.atomic():
        pending = MergerPerson.objects.select_for_update(of=("self",)).filter(
            merger=merger, state=NoticeState.PENDING
        )
        for row in pending.select_related("message"):
            message = row.message
            if message is None:
                state, at = NoticeState.FAILED, clock.now()
            elif message.status == OutboxStatus.SENT:
                state, at = NoticeState.TOLD, message.sent_at or clock.now()
            elif message.status in (OutboxStatus.FAILED, OutboxStatus.CANCELLED):
                state, at = NoticeState.FAILED, message.updated_at
            else:
                continue
            row.state, row.told_at = state, at
            row.save(update_fields=["state", "told_at"])
            changed[state] += 1
        if changed:
            audit_record(
                actor="system",
                action="merger.notices_recorded",
                object_type="merger",
                object_id=str(merger.public_id),
                payload=dict(changed),
            )
    return dict(changed)


def merger_export(*, user: Any, merger: Merger, today: dt.date | None = None) -> bytes:
    """The transfer export to the buyer (JSON of the holdings concerned), refused until the
    agreement, every notice and the waiting period are behind (notice §7) and the buyer has a
    current assessment (notice §6). The refusal is audited; the export's digest too."""
    require_privacy_officer(user)
    today = today or clock.today()
    actor = actor_for(user)
    # The buyer's assessment first: it is the refusal an officer must act on (a dashboard
    # alarm), while the notices and the waiting period run their course by themselves.
    require_transfer(kind=RecipientKind.BUYER, recipient_key=merger.buyer.key, actor=actor)
    merger_notices_refresh(merger=merger)
    merger.refresh_from_db()
    facts = merger_facts(merger)
    answer = merger_may_export(facts, today, waiting_days=settings.OMNI_MERGER_NOTICE_DAYS)
    if not answer:
        params: dict[str, Any] = {}
        if answer.code == MERGER_UNTOLD:
            params["count"] = facts.untold
        if answer.code == MERGER_WAITING and facts.last_notice_on:
            day = export_allowed_from(facts.last_notice_on, settings.OMNI_MERGER_NOTICE_DAYS)
            params["day"] = day.isoformat()
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="merger.export_refused",
                object_type="merger",
                object_id=str(merger.public_id),
                payload={"code": answer.code, "untold": facts.untold},
            )
        raise Refused(answer.code, params)
    holdings = merger_holdings(merger).select_related("person", "organization").order_by("id")
    content = json.dumps(
        [
            {
                "person": str(holding.person.public_id) if holding.person else None,
                "organization": holding.organization.name,
                "source": holding.source,
                "full_name": holding.full_name,
                "email": holding.email,
                "phone": holding.phone,
                "preferred_language": holding.preferred_language,
            }
            for holding in holdings
        ],
        ensure_ascii=False,
        indent=2,
    ).encode()
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        locked = Merger.objects.select_for_update().get(pk=merger.pk)
        if locked.exported_at is not None:
            raise Refused("merger_already_exported")
        locked.state = MergerState.EXPORTED
        locked.exported_at = clock.now()
        locked.export_digest = digest
        locked.save()
        audit_record(
            actor=actor,
            action="merger.exported",
            object_type="merger",
            object_id=str(merger.public_id),
            payload={"buyer": merger.buyer.key, "holdings": len(holdings), "sha256": digest},
        )
        # The export carries each person's data: one read per person (who looked, QC s.27).
        person_reads_record(
            user=user,
            person_public_ids=[holding.person.public_id for holding in holdings if holding.person],
            via="export",
        )
    return content
