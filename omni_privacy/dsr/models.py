"""Rights requests (notice §9.1-§9.2) and what their handling needs.

The requester's address and the free text of the request are personal data: they are kept
sealed (core/crypto.py) for as long as the case file lives, and purged after it closes
(OMNI_DSR_PURGE_DAYS); the row itself, with its dates and states, stays as evidence, like
the audit events.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from omni_privacy.core.models import PublicIdModel
from omni_privacy.dsr.domain.deadlines import Jurisdiction
from omni_privacy.dsr.domain.states import DenialReason, Kind, State
from omni_privacy.registry.models import Person


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(item.value, item.value) for item in enum]  # type: ignore[attr-defined]


class RightsRequest(PublicIdModel):
    kind = models.CharField(max_length=16, choices=_choices(Kind))
    state = models.CharField(max_length=24, choices=_choices(State), default=State.RECEIVED)
    language = models.CharField(max_length=2, choices=[("fr", "fr"), ("en", "en")])
    jurisdiction = models.CharField(max_length=8, choices=_choices(Jurisdiction))
    channel = models.CharField(max_length=8, default="portal")  # portal, api, cli
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="the staff account whose API token submitted it (channel api)",
    )
    email_digest = models.CharField(max_length=64)
    email_sealed = models.TextField(blank=True)
    details_sealed = models.TextField(blank=True)
    direct_marketing = models.BooleanField(default=False)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="rights_requests"
    )
    received_on = models.DateField()
    due_on = models.DateField()
    extended_on = models.DateField(null=True, blank=True, help_text="extension notice sent")
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_method = models.CharField(max_length=12, blank=True)  # email_code, phone
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    denial_reason = models.CharField(max_length=24, blank=True, choices=_choices(DenialReason))
    denial_text = models.TextField(blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["state", "due_on"], name="dsr_request_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[item.value for item in State]), name="dsr_request_state"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[item.value for item in Kind]), name="dsr_request_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.public_id}"


class VerificationCode(models.Model):
    """A one-time code sent to the request's address: only its keyed hash is stored."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.request_id}"


class ExportFile(PublicIdModel):
    """A report or export prepared for the person, stored sealed under VAR_DIR."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(max_length=8)  # html, json, csv
    path = models.CharField(max_length=500)
    expires_at = models.DateTimeField()
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind}:{self.public_id}"


class RequestNote(models.Model):
    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note on {self.request_id}"


class BridgedPreference(models.Model):
    """An objection or a consent withdrawal as asked, kept on the request until the consent
    ledger and suppression list take it over (dsr/consent_bridge.py)."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="preferences")
    kind = models.CharField(max_length=12)  # objection, withdrawal
    scope = models.CharField(max_length=64)  # direct_marketing, a purpose id, all
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.kind}:{self.scope}"
