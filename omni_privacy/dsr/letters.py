"""Letters to the person who made a rights request (notice §9.1-§9.2), in their language.

The one place that sends them. Each letter is a plain-text template,
``dsr/letters/<kind>.<language>.txt``, whose first line is ``Subject: ...``; every letter
names the privacy officers' contact and the authority to complain to (REQUIREMENTS #24).
Letters go through the durable outbox (outbox/services.py), queued in the caller's
transaction: a rolled-back request sends nothing, a committed one is retried until delivered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from omni_privacy.core.crypto import unseal
from omni_privacy.dsr.domain.authorities import AUTHORITIES, PRIVACY_OFFICER, PRIVACY_OFFICER_EMAIL
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.outbox.services import outbox_enqueue

KINDS = ("code", "status_link", "acknowledgement", "extension", "fulfilment", "partial", "denial")
KIND_LABELS = {
    "fr": {
        "access": "demande d’accès",
        "rectification": "demande de rectification",
        "objection": "demande d’opposition",
        "erasure": "demande d’effacement",
        "portability": "demande de portabilité",
        "withdrawal": "demande de retrait du consentement",
    },
    "en": {
        "access": "access request",
        "rectification": "rectification request",
        "objection": "objection",
        "erasure": "erasure request",
        "portability": "portability request",
        "withdrawal": "consent withdrawal",
    },
}


def _day(value: dt.date | None, language: str) -> str:
    if value is None:
        return ""
    return value.isoformat() if language == "en" else value.strftime("%Y-%m-%d")


def render_letter(
    *, request: RightsRequest, kind: str, language: str, context: Mapping[str, Any]
) -> tuple[str, str]:
    """(subject, body) of one letter."""
    if kind not in KINDS:
        raise ValueError(f"unknown letter kind {kind!r}")
    lang = "en" if language == "en" else "fr"
    authority = AUTHORITIES[request.jurisdiction]
    text = render_to_string(
        f"dsr/letters/{kind}.{lang}.txt",
        {
            "reference": str(request.public_id),
            "kind_label": KIND_LABELS[lang][request.kind],
            "received_on": _day(request.received_on, lang),
            "due_on": _day(request.due_on, lang),
            "officer": PRIVACY_OFFICER[lang],
            "officer_email": PRIVACY_OFFICER_EMAIL,
            "authority": authority.complain_to(lang) if lang == "en" else authority.name(lang),
            "authority_after_aupres": authority.after_aupres_fr,
            "authority_url": authority.url,
            "unverified_days": settings.OMNI_DSR_UNVERIFIED_DAYS,
            "link_hours": settings.OMNI_DSR_STATUS_LINK_HOURS,
            **context,
        },
    )
    first, _, body = text.lstrip().partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"letter template {kind}.{lang} must start with 'Subject:'")
    return first.removeprefix("Subject:").strip(), body.lstrip("\n")


def letter_send(
    *, request: RightsRequest, kind: str, language: str, context: Mapping[str, Any]
) -> None:
    """Render the letter now and queue it in the outbox, inside the caller's transaction: it
    leaves if and only if the request's change commits (the outbox retries until delivered).
    The one-time code is urgent: it expires in 15 minutes."""
    subject, body = render_letter(request=request, kind=kind, language=language, context=context)
    outbox_enqueue(
        to=unseal(request.email_sealed),
        subject=subject,
        body_text=body,
        language=language,
        kind=f"dsr.{kind}",
        reference=str(request.public_id),
        urgent=kind == "code",
    )


def officer_reminder_send(*, recipients: list[str], subject: str, body: str) -> None:
    """A reminder to the privacy officers (staff addresses), through the outbox."""
    for address in recipients:
        outbox_enqueue(
            to=address, subject=subject, body_text=body, language="fr", kind="dsr.reminder"
        )
