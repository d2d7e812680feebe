"""The disclosure register (notice §7) and the register of confidentiality incidents (notice
§8; incident regulation s.7). Thin: the rules are in registers/domain.

People are linked by their registry row (no personal value here); the requester of a
disclosure is a court, an agency or an organisation, never a person's name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from omni_privacy.core.models import PublicIdModel
from omni_privacy.registers.domain import disclosures as rules
from omni_privacy.registers.domain import incidents as incident_rules
from omni_privacy.registry.models import Person


class Disclosure(PublicIdModel):
    requester_kind = models.CharField(
        max_length=16, choices=[(kind, kind) for kind in rules.REQUESTERS]
    )
    requester = models.CharField(max_length=200, help_text="the court, agency or organisation")
    ground = models.CharField(max_length=32, choices=[(g, g) for g in rules.GROUNDS])
    authority = models.CharField(
        max_length=300, blank=True, help_text="the order, statute or section relied on"
    )
    persons = models.ManyToManyField(Person, related_name="disclosures")
    categories = models.JSONField(default=list, help_text="the policy's field ids disclosed")
    disclosed_on = models.DateField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notice = models.CharField(max_length=16, choices=[(n, n) for n in rules.NOTICES])
    notice_reason = models.CharField(max_length=300, blank=True)
    deferred_until = models.DateField(null=True, blank=True)
    package_path = models.CharField(max_length=200, blank=True)
    package_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-disclosed_on", "-id"]

    def __str__(self) -> str:
        return f"disclosure {self.public_id}"


class Incident(PublicIdModel):
    kind = models.CharField(max_length=16, choices=[(k, k) for k in incident_rules.KINDS])
    description = models.TextField(blank=True, help_text="the personal information concerned")
    description_unknown_reason = models.TextField(blank=True)
    circumstances = models.TextField()
    occurred_from = models.DateField()
    occurred_until = models.DateField(null=True, blank=True)
    aware_at = models.DateTimeField(help_text="when Omni learned of the incident")
    persons_count = models.PositiveIntegerField()
    persons_estimated = models.BooleanField(default=False)
    eu_residents = models.BooleanField(default=False)
    persons = models.ManyToManyField(Person, related_name="incidents", blank=True)
    # The assessment of the risk of serious injury (s.3.6, s.3.7).
    sensitivity = models.CharField(max_length=8, blank=True)
    consequences = models.TextField(blank=True)
    likelihood = models.CharField(max_length=8, blank=True)
    serious_risk = models.BooleanField(null=True, blank=True)
    officers_consulted = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    assessed_at = models.DateTimeField(null=True, blank=True)
    # Notices (s.3.5; GDPR 33-34): when, or why none.
    cai_notified_at = models.DateTimeField(null=True, blank=True)
    authority_notified_at = models.DateTimeField(null=True, blank=True)
    persons_notified_at = models.DateTimeField(null=True, blank=True)
    no_notice_reason = models.TextField(blank=True)
    public_notice_at = models.DateTimeField(null=True, blank=True)
    public_notice = models.TextField(blank=True)
    measures = models.TextField(blank=True, help_text="measures taken to reduce the risk")
    advice = models.TextField(blank=True, help_text="what the persons may do (s.5 ¶1 (5))")
    closed_at = models.DateTimeField(null=True, blank=True)
    kept_until = models.DateField(help_text="s.7 ¶2: at least 5 years after awareness")
    reminded = models.JSONField(
        default=dict, help_text="clock:state -> when the officers were told"
    )

    class Meta:
        ordering = ["-aware_at", "-id"]

    def __str__(self) -> str:
        return f"incident {self.public_id}"


class IncidentNotice(models.Model):
    """One notice sent to one person concerned (s.3.5 ¶1; regulation s.5), via the outbox."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=2)
    message = models.ForeignKey(
        "outbox.OutboxMessage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()
    no_address = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "person"], name="one_notice_per_person")
        ]

    def __str__(self) -> str:
        return f"notice {self.incident_id}/{self.person_id}"
