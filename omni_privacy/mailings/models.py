"""Campaigns and who was sent which one (notice §11: "who was told of which notice version").

A recipient row names the person by public id, the language the message was written in and
the outbox message that carried it; the address itself lives only in the outbox, sealed, until
the message is sent (outbox/models.py).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from omni_privacy.core.models import PublicIdModel
from omni_privacy.outbox.models import OutboxMessage


class CampaignState(models.TextChoices):
    DRAFT = "draft"
    SENDING = "sending"
    SENT = "sent"
    REFUSED = "refused"


class Campaign(PublicIdModel):
    kind = models.CharField(max_length=32)
    purpose = models.CharField(max_length=64, blank=True)
    state = models.CharField(
        max_length=16, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    subject_fr = models.CharField(max_length=200)
    subject_en = models.CharField(max_length=200)
    body_fr = models.TextField()
    body_en = models.TextField()
    organizations = models.JSONField(default=list, blank=True, help_text="organisation codes")
    instances = models.JSONField(default=list, blank=True, help_text="instance codes")
    notice_identifier = models.CharField(max_length=32, blank=True)
    notice_version = models.CharField(max_length=16, blank=True)
    urgent = models.BooleanField(default=False)
    created_by = models.CharField(max_length=64)
    sent_at = models.DateTimeField(null=True, blank=True)
    audience = models.JSONField(
        default=dict, blank=True, help_text="counts at sending: per language, left out and why"
    )
    refusal = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[choice.value for choice in CampaignState]),
                name="mailings_campaign_state_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.public_id}"


class CampaignRecipient(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    person_public_id = models.UUIDField(db_index=True)
    language = models.CharField(max_length=2)
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person_public_id"], name="mailings_one_message_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.person_public_id}"
