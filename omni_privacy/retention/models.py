"""Retention records: legal holds, sweep runs (with their receipts) and the anonymisation
register (notice §4-§5; REQUIREMENTS #8-#11).

The erasure ledger is deliberately *not* a table here: it must survive the restore of a
database backup, so it lives outside the database (see retention/ledger.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from omni_privacy.core.models import PublicIdModel
from omni_privacy.registry.models import Organization, Person


class LegalHold(PublicIdModel):
    """A privacy officer's order to keep a person's or an organisation's data past its due day
    (legal claim, litigation, an authority's request: QC s.28, GDPR 17(3)). While active, the
    sweep skips what it covers and reports it; once released or expired, the next run acts.

    In force on a day D when placed on or before D, not released on or before D (a hold
    released on D no longer covers D: the run of D acts), and ``until`` not before D.
    ``placed_at`` and ``released_at`` carry the day the operator acted for (``--as-of``), not
    the wall clock, so that a year of holds can be replayed."""

    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="legal_holds"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
    )
    reason = models.TextField()
    placed_at = models.DateTimeField(
        default=timezone.now,
        help_text="in force from then (the start of --as-of's day when placed from the CLI)",
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    until = models.DateField(
        null=True, blank=True, help_text="last day held; empty: until released"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A person hold loses its person when the person is erased after the hold ended,
            # so "neither" is allowed; "both" never is.
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(organization__isnull=True),
                name="retention_legalhold_one_target",
            )
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class RunKind(models.TextChoices):
    SWEEP = "sweep"
    REPLAY = "replay"


class RunStatus(models.TextChoices):
    RUNNING = "running"
    FINISHED = "finished"
    INTERRUPTED = "interrupted"


class RetentionRun(PublicIdModel):
    """One sweep (or replay). Its counters are updated in each chunk's transaction, so a run
    killed half-way shows exactly what it did; the next run marks it interrupted."""

    kind = models.CharField(max_length=16, choices=RunKind.choices, default=RunKind.SWEEP)
    as_of = models.DateField()
    actor = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(null=True, blank=True)
    processed = models.PositiveIntegerField(default=0)
    people_erased = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="{rule: {action: count}}")
    held = models.JSONField(default=dict, blank=True, help_text="{rule: count} skipped by holds")
    first_holding = models.UUIDField(null=True, blank=True)
    last_holding = models.UUIDField(null=True, blank=True)
    first_event = models.BigIntegerField(null=True, blank=True)
    last_event = models.BigIntegerField(null=True, blank=True)
    receipt_event = models.BigIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status"], name="retention_run_status")]

    def __str__(self) -> str:
        return f"{self.kind} {self.as_of} {self.status}"


class AnonymisationEntry(PublicIdModel):
    """The anonymisation register (Quebec Regulation respecting the anonymization of personal
    information, in force 2024-05-30, register since 2025-01-01): one entry per run that
    anonymised anything: what, for which purposes, by which technique, under which security
    measures, when, and the re-identification risk analysis."""

    run = models.OneToOneField(
        RetentionRun, on_delete=models.PROTECT, related_name="anonymisation_entry"
    )
    anonymised_on = models.DateField()
    holdings = models.PositiveIntegerField()
    by_source = models.JSONField(default=dict, help_text="{source: {purpose: count}}")
    purposes = models.JSONField(default=list)
    fields_removed = models.JSONField(default=list)
    fields_generalised = models.JSONField(default=list)
    fields_kept = models.JSONField(default=list)
    techniques = models.JSONField(default=list, help_text="technique codes (domain/anonymisation)")
    security_measures = models.JSONField(default=list, help_text="measure codes")
    risk_analysis = models.CharField(max_length=64)

    class Meta:
        ordering = ["-anonymised_on", "-id"]
        verbose_name_plural = "anonymisation register"

    def __str__(self) -> str:
        return f"{self.anonymised_on}: {self.holdings}"


class AnonymisedFact(models.Model):
    """What remains of an anonymised holding: organisation-level facts only, with no link to
    the holding it came from (notice §4-§5 "anonymise"; Quebec anonymisation regulation).

    The holding row itself is deleted. These rows are inserted in random order within each
    chunk and carry months, not days, so that neither their ids, nor their order, nor their
    dates can be matched with the holding ids named in the audit log.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=32)
    purpose = models.CharField(max_length=64)
    legal_basis = models.CharField(max_length=32)
    channel = models.CharField(max_length=16)
    collected_month = models.DateField(help_text="first day of the month of collection")
    anonymised_month = models.DateField(help_text="first day of the month of anonymisation")
    retention_rule = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "source"], name="retention_fact_org_source")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.collected_month:%Y-%m}"
