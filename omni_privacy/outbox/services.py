"""Putting a message in the outbox. Delivery is outbox/delivery.py's job, in the worker."""

from __future__ import annotations

from django.db import transaction
from email_validator import EmailNotValidError, validate_email

from omni_privacy.core import clock
from omni_privacy.core.crypto import seal
from omni_privacy.core.digest import email_digest
from omni_privacy.core.errors import InvalidInputError, Problem, define, gettext_noop
from omni_privacy.outbox.models import OutboxMessage

# Refusals of outbox, as codes said in the reader's language (core/errors.py).
NOT_VALID_EMAIL_ADDRESS = define(
    "outbox.not_valid_email_address", gettext_noop("is not a valid email address")
)
REQUIRED_ONE_LINE = define("outbox.required_one_line", gettext_noop("is required, on one line"))
LONGER_THAN_CHARACTERS = define(
    "outbox.longer_than_characters", gettext_noop("is longer than %(max_subject)s characters")
)
REQUIRED = define("outbox.required", gettext_noop("is required"))
MUST_FR_EN = define("outbox.must_fr_en", gettext_noop("must be fr or en"))

LANGUAGES = ("fr", "en")
MAX_SUBJECT = 255


def _normalized(address: str) -> str:
    # The registry's normalisation (registry/domain/gate.py), so that the digest is the person's.
    try:
        return str(validate_email(address.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise InvalidInputError([Problem(NOT_VALID_EMAIL_ADDRESS, field="to")]) from exc


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
        errors.append(Problem(REQUIRED_ONE_LINE, field="subject"))
    elif len(subject) > MAX_SUBJECT:
        errors.append(
            Problem(LONGER_THAN_CHARACTERS, {"max_subject": MAX_SUBJECT}, field="subject")
        )
    if not body_text.strip():
        errors.append(Problem(REQUIRED, field="body_text"))
    if language not in LANGUAGES:
        errors.append(Problem(MUST_FR_EN, field="language"))
    if not kind:
        errors.append(Problem(REQUIRED, field="kind"))
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
