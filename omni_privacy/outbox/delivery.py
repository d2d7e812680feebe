"""Delivering the outbox over SMTP (healthchecks' sendalerts pattern: claim rows with a
conditional UPDATE, so that two workers never send the same message).

One round: pick the messages that may go (queued and due, or left in "sending" by a worker
whose lease ran out: it died), urgent first; claim each with an UPDATE that succeeds only if
the row is still claimable, then send it and record the outcome. A message is therefore sent
at least once and, unless a worker dies between the SMTP server's "250 OK" and the status
update, exactly once.

Failures: a temporary one (connection refused, timeout, SMTP 4xx) goes back to "queued" with
an exponential delay; a permanent one (SMTP 5xx for this message) or the last allowed attempt
ends in "failed". Errors are stored and logged as their class and SMTP code only: an SMTP
server's message may quote the address.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from django.conf import settings
from django.db.models import F, Q

from omni_privacy.core import clock
from omni_privacy.core.crypto import SealError, unseal
from omni_privacy.outbox import hooks
from omni_privacy.outbox.domain.schedule import after_failure, budget, retry_delay
from omni_privacy.outbox.mailbox import FileMailbox, mailbox_in_use
from omni_privacy.outbox.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

BATCH = 200


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    held_back: int = 0
    """Messages left queued by the rate limit (they go in a later round)."""
    sent_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "retried": self.retried,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "held_back": self.held_back,
        }


class _Connection:
    """One SMTP session per round, opened on the first message and reused."""

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | FileMailbox | None = None

    def get(self) -> smtplib.SMTP | FileMailbox:
        if self._smtp is None:
            # The development mailbox (outbox/mailbox.py) stands in for the SMTP server.
            self._smtp = FileMailbox() if mailbox_in_use() else _open()
        return self._smtp

    def drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def _open() -> smtplib.SMTP:
    host, port = settings.OMNI_SMTP_HOST, settings.OMNI_SMTP_PORT
    timeout = settings.OMNI_SMTP_TIMEOUT
    smtp: smtplib.SMTP
    if settings.OMNI_SMTP_TLS == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if settings.OMNI_SMTP_TLS == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        except (smtplib.SMTPException, OSError):
            smtp.close()
            raise
    if settings.OMNI_SMTP_USER:
        smtp.login(settings.OMNI_SMTP_USER, settings.OMNI_SMTP_PASSWORD)
    return smtp


def _email(message: OutboxMessage, recipient: str) -> EmailMessage:
    sender = settings.OMNI_MAIL_FROM
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(clock.now())
    email["Message-ID"] = message.message_id or make_msgid(str(message.public_id), domain)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    # After the content: set_content drops the Content-* headers it finds.
    email["Content-Language"] = message.language
    return email


def _error_label(exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({value[0] for value in exc.recipients.values()})
        code = codes[0] if codes else None
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


def _permanent(exc: BaseException) -> bool:
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [value[0] for value in exc.recipients.values()]
        return bool(codes) and all(500 <= value < 600 for value in codes)
    return (
        isinstance(code, int)
        and 500 <= code < 600
        and not isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError)
    )


def _claimable(now: dt.datetime) -> Q:
    return Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, lease_until__lt=now
    )


def _claim(pk: int, *, now: dt.datetime) -> OutboxMessage | None:
    lease = dt.timedelta(seconds=settings.OMNI_OUTBOX_LEASE_SECONDS)
    claimed = OutboxMessage.objects.filter(_claimable(now), pk=pk).update(
        status=OutboxStatus.SENDING,
        lease_until=now + lease,
        last_attempt_at=now,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    if not claimed:
        return None  # another worker took it first
    return OutboxMessage.objects.get(pk=pk)


def _finish(message: OutboxMessage, **changes: object) -> None:
    """Record the outcome, only if this worker still holds the message."""
    OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.SENDING, attempts=message.attempts
    ).update(lease_until=None, updated_at=clock.now(), **changes)


def _veto(message: OutboxMessage) -> str | None:
    for check in hooks.before_send:
        reason = check(message)
        if reason:
            return reason[:200]
    return None


def _attempt(message: OutboxMessage, connection: _Connection, report: DeliveryReport) -> bool:
    """Send one claimed message; False when the SMTP server is unreachable (end the round)."""
    reason = _veto(message)
    if reason is not None:
        _finish(message, status=OutboxStatus.CANCELLED, last_error=reason, recipient_sealed="")
        report.cancelled += 1
        logger.info("outbox message %s cancelled: %s", message.public_id, reason)
        return True
    try:
        recipient = unseal(message.recipient_sealed)
    except SealError:
        _finish(message, status=OutboxStatus.FAILED, last_error="SealError", recipient_sealed="")
        report.failed += 1
        logger.error("outbox message %s: the address does not unseal", message.public_id)
        return True
    email = _email(message, recipient)
    try:
        connection.get().send_message(email)
    except (smtplib.SMTPException, OSError) as exc:
        reachable = isinstance(exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)
        if not reachable:
            connection.drop()
        status = after_failure(
            attempts=message.attempts,
            max_attempts=settings.OMNI_OUTBOX_MAX_ATTEMPTS,
            permanent=_permanent(exc),
        )
        label = _error_label(exc)
        if status == OutboxStatus.FAILED:
            _finish(message, status=status, last_error=label, recipient_sealed="")
            report.failed += 1
            logger.warning("outbox message %s failed for good: %s", message.public_id, label)
        else:
            delay = retry_delay(message.attempts, base_seconds=settings.OMNI_OUTBOX_BACKOFF_SECONDS)
            _finish(message, status=status, last_error=label, next_attempt_at=clock.now() + delay)
            report.retried += 1
            # A WARNING: mail that does not leave is something an operator must see (a wrong
            # OMNI_SMTP_TLS, a server down), not a detail.
            logger.warning(
                "outbox message %s not delivered: %s; retry in %ds",
                message.public_id,
                label,
                int(delay.total_seconds()),
            )
        return reachable
    _finish(
        message,
        status=OutboxStatus.SENT,
        sent_at=clock.now(),
        last_error="",
        recipient_sealed="",
        message_id=str(email["Message-ID"]),
    )
    report.sent += 1
    report.sent_ids.append(message.pk)
    return True


def outbox_deliver_due(*, now: dt.datetime | None = None) -> DeliveryReport:
    """One delivery round (see the module docstring). Returns what it did."""
    now = now or clock.now()
    report = DeliveryReport()
    if any(check() for check in hooks.before_round):  # the relay's assessment (notice §6)
        report.held_back = OutboxMessage.objects.filter(_claimable(now)).count()
        return report
    started = OutboxMessage.objects.filter(
        last_attempt_at__gt=now - dt.timedelta(minutes=1)
    ).count()
    left = budget(rate_per_minute=settings.OMNI_SMTP_RATE, started_last_minute=started)
    connection = _Connection()
    try:
        while True:
            candidates = list(
                OutboxMessage.objects.filter(_claimable(now))
                .order_by("-urgent", "next_attempt_at", "id")
                .values_list("id", "urgent")[:BATCH]
            )
            if not candidates:
                break
            progressed = False
            for pk, urgent in candidates:
                if not urgent and left <= 0:
                    report.held_back = OutboxMessage.objects.filter(
                        _claimable(now), urgent=False
                    ).count()
                    return report
                message = _claim(pk, now=now)
                if message is None:
                    continue
                progressed = True
                if not urgent:
                    left -= 1
                if not _attempt(message, connection, report):
                    return report
            if not progressed:
                break
    finally:
        connection.drop()
    return report
