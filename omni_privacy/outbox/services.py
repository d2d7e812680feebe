"""Putting a message in the outbox. Delivery is outbox/delivery.py's job, in the worker."""

from __future__ import annotations

from django.db import transaction
from email_validator import EmailNotValidError, validate_email

from omni_privacy.core import clock
from omni_privacy.core.crypto import seal
from omni_privacy.core.digest import email_digest
from omni_privacy.core.errors import FieldError, InvalidInputError
from omni_privacy.outbox.models import OutboxMessage

LANGUAGES = ("fr", "en")
MAX_SUBJECT = 255


def _normalized(address: str) -> str:
    # The registry's normalisation (registry/domain/gate.py), so that the digest is the person's.
    try:
        return str(validate_email(address.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise InvalidInputError([FieldError("to", "is not a valid email address")]) from exc


def _nudge() -> None:
    from omni_privacy.outbox.tasks import task_outbox_deliver

    task_outbox_deliver.enqueue()


def outbox_enqueue(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    language: str,
    kind: str,
    reference: str = "",
    urgent: bool = False,
    purpose: str = "",
) -> OutboxMessage:
    """Queue one message, inside the caller's transaction: it exists if and only if the
    caller's change commits. After the commit the worker is nudged; should the nudge be lost,
    the `outbox_deliver` periodic job (every minute) finds the row anyway.

    ``purpose``, when given, is checked again right before the send (outbox/hooks.py).
    ``urgent`` messages go first and are not held back by OMNI_SMTP_RATE.
    """
    errors = []
    normalized = ""
    try:
        normalized = _normalized(to)
    except InvalidInputError as refused:
        errors.extend(refused.errors)
    if not subject.strip() or "\n" in subject or "\r" in subject:
        errors.append(FieldError("subject", "is required, on one line"))
    elif len(subject) > MAX_SUBJECT:
        errors.append(FieldError("subject", f"is longer than {MAX_SUBJECT} characters"))
    if not body_text.strip():
        errors.append(FieldError("body_text", "is required"))
    if language not in LANGUAGES:
        errors.append(FieldError("language", "must be fr or en"))
    if not kind:
        errors.append(FieldError("kind", "is required"))
    if errors:
        raise InvalidInputError(errors)
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            recipient_sealed=seal(normalized),
            recipient_digest=email_digest(normalized),
            subject=subject.strip(),
            body_text=body_text,
            body_html=body_html,
            language=language,
            kind=kind,
            reference=reference,
            purpose=purpose,
            urgent=urgent,
            next_attempt_at=clock.now(),
        )
        transaction.on_commit(_nudge)
    return message
