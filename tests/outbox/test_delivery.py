"""The outbox against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from omni_privacy.core.crypto import unseal
from omni_privacy.core.digest import email_digest
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.outbox import hooks
from omni_privacy.outbox.delivery import outbox_deliver_due
from omni_privacy.outbox.models import OutboxMessage
from omni_privacy.outbox.services import outbox_enqueue
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db


def _enqueue(to: str, subject: str, *, language: str = "fr", urgent: bool = False):
    return outbox_enqueue(
        to=to,
        subject=subject,
        body_text=f"Corps {subject}",
        language=language,
        kind="test",
        reference="ref-1",
        urgent=urgent,
    )


def _later(minutes: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)


def test_a_queued_message_is_sent_and_its_address_erased(smtp_server: SmtpServer) -> None:
    message = _enqueue("Ana@Example.com", "Bonjour", language="fr")
    assert unseal(message.recipient_sealed) == "Ana@example.com"
    assert "Ana" not in message.recipient_sealed
    assert message.recipient_digest == email_digest("ana@example.com")
    report = outbox_deliver_due()
    assert report.as_dict() == {
        "sent": 1,
        "retried": 0,
        "failed": 0,
        "cancelled": 0,
        "held_back": 0,
    }
    [got] = smtp_server.received
    assert (got.recipients, got.subject, got.language, got.body.strip()) == (
        ("Ana@example.com",),
        "Bonjour",
        "fr",
        "Corps Bonjour",
    )
    assert got.message["From"] == "Omnitech Innovations <info@omni-assistant.net>"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.recipient_sealed, message.last_error) == (
        "sent",
        1,
        "",
        "",
    )
    assert message.message_id == got.message["Message-ID"]
    # Nothing more to do: a second round sends nothing twice.
    assert outbox_deliver_due().sent == 0
    assert len(smtp_server.received) == 1


def test_bad_input_names_the_fields_and_queues_nothing() -> None:
    with pytest.raises(InvalidInputError) as refused:
        outbox_enqueue(to="nope", subject="a\nb", body_text=" ", language="de", kind="")
    assert [e.field for e in refused.value.errors] == [
        "to",
        "subject",
        "body_text",
        "language",
        "kind",
    ]
    assert OutboxMessage.objects.count() == 0


def test_server_down_then_up_retries_with_backoff_then_sends(
    smtp_server: SmtpServer, settings
) -> None:
    settings.OMNI_OUTBOX_BACKOFF_SECONDS = 60
    smtp_server.stop()
    first = _enqueue("ben@example.com", "Update", language="en")
    second = _enqueue("cam@example.com", "Mise à jour")
    report = outbox_deliver_due()
    # Unreachable: the first attempt fails, the round ends without burning the other's attempt.
    assert (report.retried, report.sent) == (1, 0)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.attempts, first.last_error) == (
        "queued",
        1,
        "ConnectionRefusedError",
    )
    assert 59 <= (first.next_attempt_at - first.last_attempt_at).total_seconds() <= 61
    assert (second.status, second.attempts) == ("queued", 0)
    # Not due yet for the first one; the second is tried and fails too (still down).
    assert outbox_deliver_due().retried == 1
    smtp_server.start()
    report = outbox_deliver_due(now=_later(5))
    assert report.sent == 2
    assert sorted((r.recipients, r.subject) for r in smtp_server.received) == [
        (("ben@example.com",), "Update"),
        (("cam@example.com",), "Mise à jour"),
    ]
    first.refresh_from_db()
    assert (first.status, first.attempts, first.last_error) == ("sent", 2, "")


def test_attempts_run_out_then_failed(smtp_server: SmtpServer, settings) -> None:
    settings.OMNI_OUTBOX_MAX_ATTEMPTS = 2
    smtp_server.handler.refuse_with = "451 4.3.0 try later"
    message = _enqueue("ana@example.com", "Encore")
    assert outbox_deliver_due().retried == 1
    assert outbox_deliver_due(now=_later(10)).failed == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error, message.recipient_sealed) == (
        "failed",
        2,
        "SMTPDataError 451",
        "",
    )


def test_a_permanent_refusal_fails_at_once(smtp_server: SmtpServer) -> None:
    smtp_server.handler.refuse_with = "550 5.7.1 rejected ana@example.com"
    message = _enqueue("ana@example.com", "Non")
    assert outbox_deliver_due().failed == 1
    message.refresh_from_db()
    # The server's words (which quote the address) are not kept: class and code only.
    assert (message.status, message.attempts, message.last_error) == (
        "failed",
        1,
        "SMTPDataError 550",
    )


def test_rate_limit_holds_back_and_urgent_jumps_the_queue(
    smtp_server: SmtpServer, settings
) -> None:
    settings.OMNI_SMTP_RATE = 2
    for index in range(4):
        _enqueue(f"person{index}@example.com", f"Routine {index}")
    _enqueue("dee@example.org", "Incident", language="en", urgent=True)
    report = outbox_deliver_due()
    assert (report.sent, report.held_back) == (3, 2)
    assert [r.subject for r in smtp_server.received] == ["Incident", "Routine 0", "Routine 1"]
    # The budget is per minute: still spent now, free again a minute later.
    assert outbox_deliver_due().sent == 0
    assert outbox_deliver_due(now=_later(1.5)).sent == 2
    assert OutboxMessage.objects.filter(status="sent").count() == 5


def test_a_claimed_message_is_not_sent_by_another_worker(smtp_server: SmtpServer, settings) -> None:
    settings.OMNI_OUTBOX_LEASE_SECONDS = 300
    message = _enqueue("ana@example.com", "Une fois")
    # Another worker holds it (status sending, lease running).
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", lease_until=_later(5), attempts=1
    )
    assert outbox_deliver_due().sent == 0
    # Its worker died: once the lease has run out the message is reclaimed and sent once.
    assert outbox_deliver_due(now=_later(6)).sent == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert [r.subject for r in smtp_server.received] == ["Une fois"]


def test_a_veto_before_sending_cancels(smtp_server: SmtpServer, monkeypatch) -> None:
    monkeypatch.setattr(hooks, "before_send", [lambda _message: "suppressed"])
    message = _enqueue("ana@example.com", "Jamais")
    assert outbox_deliver_due().cancelled == 1
    message.refresh_from_db()
    assert (message.status, message.last_error, message.recipient_sealed) == (
        "cancelled",
        "suppressed",
        "",
    )
    assert smtp_server.received == []


def test_enqueue_is_part_of_the_callers_transaction(
    smtp_server: SmtpServer, settings, django_capture_on_commit_callbacks
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def failing_change() -> None:
        with transaction.atomic():
            _enqueue("ana@example.com", "Annulé")
            raise RuntimeError("the caller's change fails")

    with pytest.raises(RuntimeError):
        failing_change()
    assert OutboxMessage.objects.count() == 0
    # Committed: the nudge after the commit delivers it at once (immediate task backend).
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _enqueue("ana@example.com", "Parti")
    assert len(callbacks) == 1
    assert [r.subject for r in smtp_server.received] == ["Parti"]
    assert OutboxMessage.objects.get().status == "sent"
