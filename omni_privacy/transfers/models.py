"""Recipients of personal data and their impact assessments (notice §6, QC s.17); mergers,
acquisitions and sales of assets (notice §7, QC s.18.4). Only transfers/services.py writes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from omni_privacy.core.models import PublicIdModel


class RecipientKind(models.TextChoices):
    INFRASTRUCTURE = "infrastructure"  # Omni's own servers, where the data is processed
    MAIL_RELAY = "mail_relay"  # the SMTP relay the outbox sends through
    STORE = "store"  # an external store of the connectors (stores app), by its name
    PORTABILITY = "portability"  # a third party a person names for portability
    BUYER = "buyer"  # the other party of a merger, acquisition or sale of assets


class Conclusion(models.TextChoices):
    ADEQUATE = "adequate"  # QC s.17: the protection is adequate; the transfer may happen
    INADEQUATE = "inadequate"


class Recipient(PublicIdModel):
    """A place where personal data is processed or an organisation that receives it, with its
    latest privacy impact assessment (QC s.17) and written agreement. Earlier assessments are in
    the audit log (transfer.assessed events)."""

    kind = models.CharField(max_length=20, choices=RecipientKind.choices)
    key = models.SlugField(max_length=80, help_text="the store's name, the relay's key, …")
    name = models.CharField(max_length=200)
    jurisdiction = models.CharField(max_length=120, help_text="where the data is processed")
    # The assessment (QC s.17).
    sensitivity = models.TextField(blank=True)
    purposes = models.TextField(blank=True)
    protection_measures = models.TextField(blank=True, help_text="contractual ones included")
    legal_framework = models.TextField(blank=True, help_text="of the destination")
    conclusion = models.CharField(max_length=16, choices=Conclusion.choices, blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    agreement_reference = models.CharField(max_length=120, blank=True)
    agreement_date = models.DateField(null=True, blank=True)
    reassess_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="transfers_one_recipient_per_key")
        ]
        ordering = ["kind", "key"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class TransferRefusal(PublicIdModel):
    """A flow refused for lack of a current assessment: an alarm until a transfer to the same
    recipient is allowed again (then ``resolved_at``). One open row per recipient and code."""

    kind = models.CharField(max_length=20, choices=RecipientKind.choices)
    key = models.CharField(max_length=80)
    code = models.CharField(max_length=40)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["resolved_at"])]


class MergerState(models.TextChoices):
    DRAFT = "draft"  # recorded; the s.18.4 agreement not yet
    AGREED = "agreed"  # the s.18.4 agreement recorded
    NOTIFYING = "notifying"  # notices queued to every affected person
    EXPORTED = "exported"  # the transfer export went to the buyer
    ABANDONED = "abandoned"  # the deal failed: the buyer must destroy what it received


class Merger(PublicIdModel):
    """A merger, acquisition or sale of assets (notice §7)."""

    reference = models.SlugField(max_length=63, unique=True)
    title = models.CharField(max_length=200)
    parties = models.TextField()
    buyer = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="mergers")
    organizations = models.ManyToManyField("registry.Organization", related_name="+", blank=True)
    sources = models.JSONField(default=list, help_text="the policy's sources concerned")
    state = models.CharField(max_length=16, choices=MergerState.choices, default=MergerState.DRAFT)
    # The QC s.18.4 agreement: use only for the deal, no communication, protection, destruction
    # if the deal fails. Each term is confirmed one by one.
    agreement_reference = models.CharField(max_length=120, blank=True)
    agreement_date = models.DateField(null=True, blank=True)
    agreement_recorded_at = models.DateTimeField(null=True, blank=True)
    notice_version = models.CharField(max_length=40, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    export_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference


class NoticeState(models.TextChoices):
    PENDING = "pending"  # queued in the outbox
    TOLD = "told"  # the outbox sent it
    FAILED = "failed"  # the outbox could not deliver it: recorded as such


class MergerPerson(models.Model):
    """One affected person of a merger and their notice (in their language)."""

    merger = models.ForeignKey(Merger, on_delete=models.CASCADE, related_name="persons")
    # An erased person leaves the row (the notice was given) without its link.
    person = models.ForeignKey(
        "registry.Person", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    language = models.CharField(max_length=2)
    notice_version = models.CharField(max_length=40)
    message = models.ForeignKey(
        "outbox.OutboxMessage", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=NoticeState.choices, default=NoticeState.PENDING
    )
    told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merger", "person"], name="transfers_person_once")
        ]

    def __str__(self) -> str:
        return f"{self.merger_id}:{self.person_id}:{self.state}"
