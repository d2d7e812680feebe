"""Reads of the recipients register and the mergers, as domain values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from omni_privacy.core.errors import words
from omni_privacy.registry.models import LIVE_STATES, Holding
from omni_privacy.transfers import texts  # noqa: F401 (the codes' words)
from omni_privacy.transfers.domain.rules import MergerFacts, RecipientFacts, reassessment_overdue
from omni_privacy.transfers.models import (
    Merger,
    MergerPerson,
    NoticeState,
    Recipient,
    TransferRefusal,
)


def recipient_facts(recipient: Recipient | None) -> RecipientFacts:
    if recipient is None:
        return RecipientFacts(registered=False)
    return RecipientFacts(
        registered=True,
        assessed_on=recipient.assessed_on,
        conclusion=recipient.conclusion,
        approved=recipient.approved_at is not None,
        agreement_reference=recipient.agreement_reference,
        agreement_date=recipient.agreement_date,
        reassess_on=recipient.reassess_on,
    )


def recipients() -> QuerySet[Recipient]:
    return Recipient.objects.select_related("approved_by").order_by("kind", "key")


def recipient_find(kind: str, key: str) -> Recipient | None:
    return Recipient.objects.filter(kind=kind, key=key).first()


def recipient_names(refusals: list[TransferRefusal]) -> dict[tuple[str, str], str]:
    """How refusals name their recipients to a reader, in one query: the register's name by
    (kind, key); a key missing from the result is not registered (say the key itself)."""
    keys = {refusal.key for refusal in refusals}
    rows = Recipient.objects.filter(key__in=keys).values_list("kind", "key", "name")
    return {(kind, key): name for kind, key, name in rows}


def refusals_open() -> QuerySet[TransferRefusal]:
    return TransferRefusal.objects.filter(resolved_at__isnull=True).order_by("-last_at")


def reassessments_overdue(*, today: dt.date) -> list[Recipient]:
    """Notice §6: an assessment past its re-assessment day is an alarm."""
    rows = Recipient.objects.filter(reassess_on__lt=today).order_by("reassess_on")
    return [recipient for recipient in rows if reassessment_overdue(recipient.reassess_on, today)]


def transfer_alarms(*, today: dt.date) -> dict[str, list[Any]]:
    """The dashboard's alarms (notice §6): open refusals, said in the active language, and
    assessments past their re-assessment day."""
    rows = list(refusals_open()[:20])
    names = recipient_names(rows)
    refused = [
        {
            "refusal": row,
            "words": words(row.code, {"recipient": names.get((row.kind, row.key), row.key)}),
        }
        for row in rows
    ]
    return {"refused": refused, "overdue": reassessments_overdue(today=today)}


def mergers() -> QuerySet[Merger]:
    return Merger.objects.select_related("buyer")


def merger_holdings(merger: Merger) -> QuerySet[Holding]:
    """The live holdings the transaction concerns: its organisations by its sources."""
    return Holding.objects.filter(
        organization__in=merger.organizations.all(),
        source__in=merger.sources,
        state__in=LIVE_STATES,
        person__isnull=False,
    )


def merger_facts(merger: Merger) -> MergerFacts:
    persons = MergerPerson.objects.filter(merger=merger)
    last = (
        persons.filter(told_at__isnull=False)
        .order_by("-told_at")
        .values_list("told_at", flat=True)
        .first()
    ) or merger.notified_at
    return MergerFacts(
        agreement_recorded=merger.agreement_recorded_at is not None,
        persons=persons.count(),
        untold=persons.filter(state=NoticeState.PENDING).count(),
        last_notice_on=timezone.localdate(last) if last else None,
        exported=merger.exported_at is not None,
    )


def merger_notice_counts(merger: Merger) -> dict[str, int]:
    rows = MergerPerson.objects.filter(merger=merger)
    return {state: rows.filter(state=state).count() for state in NoticeState.values}
