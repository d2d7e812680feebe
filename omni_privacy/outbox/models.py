"""Messages waiting to be sent, being sent, sent or given up (the durable outbox).

The recipient's address is sealed at rest (core/crypto.py) while the message waits, and erased
once the message is sent, failed for good or cancelled: afterwards only its keyed digest
remains (core/digest.py), enough for statistics and for "was this address written to", not to
write again. Subjects and bodies hold no personal data (mailings never personalise them beyond
the withdrawal link's opaque token).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from omni_privacy.core.models import PublicIdModel


class OutboxStatus(models.TextChoices):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxMessage(PublicIdModel):
    recipient_sealed = models.TextField(blank=True)
    recipient_digest = models.CharField(max_length=64, db_index=True)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(null=True, blank=True)
    language = models.CharField(max_length=2)
    kind = models.CharField(max_length=64)
    reference = models.CharField(max_length=64, blank=True, db_index=True)
    purpose = models.CharField(
        max_length=64, blank=True, help_text="the purpose the send is checked against"
    )
    urgent = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["last_attempt_at"], name="outbox_last_attempt"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in OutboxStatus]),
                name="outbox_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.public_id}:{self.status}"
