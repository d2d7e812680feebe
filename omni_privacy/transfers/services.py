"""Writes of the recipients register (notice §6, QC s.17) and the enforcement every flow calls.

`require_transfer` is the one door: the outbox (mail relay, through outbox/hooks.py), the
connectors (stores/services.py), the portability transfer to a third party (dsr) and the merger
export (merger.py) call it before personal data leaves. A refusal is recorded (an open
TransferRefusal: a dashboard alarm), audited, and raised as `TransferRefused`, whose words say
what to do. Nothing personal goes in the audit payloads: recipients are named by kind and key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction

from omni_privacy.accounts.permissions import require_privacy_officer
from omni_privacy.audit.services import actor_for, audit_record
from omni_privacy.core import clock
from omni_privacy.core.errors import (
    Conflict,
    InvalidInputError,
    Problem,
    Refused,
    define,
    gettext_noop,
)
from omni_privacy.transfers import texts
from omni_privacy.transfers.domain.rules import may_transfer
from omni_privacy.transfers.models import Conclusion, Recipient, RecipientKind, TransferRefusal
from omni_privacy.transfers.selectors import recipient_facts, recipient_find

# Refusals of transfers, as codes said in the reader's language (core/errors.py).
NOT_RECIPIENT_KIND = define("transfers.not_recipient_kind", gettext_noop("is not a recipient kind"))
KEY_NAME_JURISDICTION_ARE = define(
    "transfers.key_name_jurisdiction_are", gettext_noop("key, name and jurisdiction are required")
)
REQUIRED = define("transfers.required", gettext_noop("is required"))
ADEQUATE_INADEQUATE = define(
    "transfers.adequate_inadequate", gettext_noop("is adequate or inadequate")
)
MUST_AFTER_TODAY = define("transfers.must_after_today", gettext_noop("must be after today"))


class TransferRefused(Refused):
    """No current assessment or agreement for this recipient: nothing left."""


def recipient_register(
    *, actor: str, kind: str, key: str, name: str, jurisdiction: str
) -> Recipient:
    """Add a place of processing or a recipient (not yet assessed: transfers to it refused)."""
    if kind not in RecipientKind.values:
        raise InvalidInputError([Problem(NOT_RECIPIENT_KIND, field="kind")])
    if not key or not name.strip() or not jurisdiction.strip():
        raise InvalidInputError([Problem(KEY_NAME_JURISDICTION_ARE, field="key")])
    with transaction.atomic():
        if Recipient.objects.filter(kind=kind, key=key).exists():
            raise Conflict(texts.RECIPIENT_EXISTS)
        recipient = Recipient.objects.create(
            kind=kind, key=key, name=name.strip(), jurisdiction=jurisdiction.strip()
        )
        audit_record(
            actor=actor,
            action="transfer.recipient_registered",
            object_type="recipient",
            object_id=str(recipient.public_id),
            payload={"kind": kind, "key": key},
        )
    return recipient


def recipient_assess(
    *,
    user: Any,
    recipient: Recipient,
    sensitivity: str,
    purposes: str,
    protection_measures: str,
    legal_framework: str,
    conclusion: str,
    agreement_reference: str,
    agreement_date: dt.date | None,
    reassess_on: dt.date,
    today: dt.date | None = None,
) -> Recipient:
    """Record the privacy impact assessment (QC s.17), approved by the privacy officer who
    records it, with the written agreement and the day of the next assessment."""
    require_privacy_officer(user)
    today = today or clock.today()
    problems = [
        Problem(REQUIRED, field=name)
        for name, value in (
            ("sensitivity", sensitivity),
            ("purposes", purposes),
            ("protection_measures", protection_measures),
            ("legal_framework", legal_framework),
        )
        if not value.strip()
    ]
    if conclusion not in Conclusion.values:
        problems.append(Problem(ADEQUATE_INADEQUATE, field="conclusion"))
    if reassess_on <= today:
        problems.append(Problem(MUST_AFTER_TODAY, field="reassess_on"))
    if problems:
        raise InvalidInputError(problems)
    with transaction.atomic():
        recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
        recipient.sensitivity = sensitivity.strip()
        recipient.purposes = purposes.strip()
        recipient.protection_measures = protection_measures.strip()
        recipient.legal_framework = legal_framework.strip()
        recipient.conclusion = conclusion
        recipient.assessed_on = today
        recipient.approved_by = user
        recipient.approved_at = clock.now()
        recipient.agreement_reference = agreement_reference.strip()
        recipient.agreement_date = agreement_date
        recipient.reassess_on = reassess_on
        recipient.save()
        audit_record(
            actor=actor_for(user),
            action="transfer.assessed",
            object_type="recipient",
            object_id=str(recipient.public_id),
            payload={
                "kind": recipient.kind,
                "key": recipient.key,
                "conclusion": conclusion,
                "agreement": bool(recipient.agreement_reference),
                "reassess_on": reassess_on.isoformat(),
            },
        )
    return recipient


def require_transfer(
    *, kind: str, recipient_key: str, actor: str, today: dt.date | None = None
) -> Recipient:
    """Notice §6: allow the flow to ``recipient_key`` or refuse it (see module docstring).

    The refusal commits in its own transaction: call this before the flow's transaction opens.
    """
    today = today or clock.today()
    recipient = recipient_find(kind, recipient_key)
    answer = may_transfer(recipient_facts(recipient), today)
    now = clock.now()
    if answer:
        assert recipient is not None  # noqa: S101 (may_transfer refuses the unregistered)
        with transaction.atomic():
            resolved = TransferRefusal.objects.filter(
                kind=kind, key=recipient_key, resolved_at__isnull=True
            ).update(resolved_at=now, updated_at=now)
            if resolved:
                audit_record(
                    actor=actor,
                    action="transfer.refusal_resolved",
                    object_type="recipient",
                    object_id=str(recipient.public_id),
                    payload={"kind": kind, "key": recipient_key},
                )
        return recipient
    with transaction.atomic():
        refusal = (
            TransferRefusal.objects.select_for_update()
            .filter(kind=kind, key=recipient_key, code=answer.code, resolved_at__isnull=True)
            .first()
        )
        if refusal is None:
            refusal = TransferRefusal.objects.create(
                kind=kind, key=recipient_key, code=answer.code, first_at=now, last_at=now
            )
            first = True
        else:
            refusal.count += 1
            refusal.last_at = now
            refusal.save(update_fields=["count", "last_at", "updated_at"])
            first = False
        # The relay is asked before every delivery round: its refusal is audited once, and
        # counted on the open alarm after that. Every other refused flow is audited.
        if first or kind != RecipientKind.MAIL_RELAY:
            audit_record(
                actor=actor,
                action="transfer.refused",
                object_type="recipient",
                object_id=str(recipient.public_id) if recipient else f"{kind}:{recipient_key}",
                payload={"kind": kind, "key": recipient_key, "code": answer.code},
            )
    said = recipient.name if recipient else recipient_key
    raise TransferRefused(answer.code, {"recipient": said})


def relay_hold() -> str | None:
    """outbox/hooks.py before_round: the mail relay's assessment, or the refusal's code (the
    round is held back and the mail stays queued)."""
    try:
        require_transfer(
            kind=RecipientKind.MAIL_RELAY,
            recipient_key=settings.OMNI_MAIL_RELAY_KEY,
            actor="system",
        )
    except TransferRefused as refused:
        return refused.code
    return None
