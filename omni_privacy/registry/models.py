"""The registry of personal data held (REQUIREMENTS #1-#10).

Personal values live on the *holding* that justifies them, never on the person: when a holding
goes (deleted or anonymised) its values go with it, and a value collected by one source can
never outlive that source's clause. A person row carries only an opaque id and a keyed digest of
the normalised email, used to find the person again without storing the address twice.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from omni_privacy.core.models import PublicIdModel, TimeStampedModel
from omni_privacy.policy.domain.collection import personal_fields
from omni_privacy.policy.loader import active_policy


class Organization(TimeStampedModel):
    """A customer (or prospect) organisation. ``code`` is the import identifier (``acme``)."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """A subscription period; ``end`` null means ongoing. Non-renewal = the last one ended."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="subscriptions"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="registry_subscription_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}..{self.end or ''}"


class PurchasingGroupContract(models.Model):
    """A contract with a purchasing group the organisation belongs to (notice §2.1 ¶4)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="purchasing_group_contracts"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="registry_pgcontract_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}..{self.end or ''}"


class Instance(TimeStampedModel):
    """One of an organisation's Omni-Assistant deployments (source of the monthly sync)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="instances"
    )
    code = models.SlugField(max_length=64, unique=True)
    export_url = models.URLField(
        blank=True, help_text="where the monthly sync fetches the user-profile snapshot"
    )
    token_sealed = models.TextField(
        blank=True, help_text="the export's access token, encrypted (core/crypto.py)"
    )
    last_synced_at = models.DateTimeField(
        null=True, blank=True, help_text="end of the last successful sync"
    )

    def __str__(self) -> str:
        return self.code


class Person(PublicIdModel):
    """Someone whose data is held. No personal value here: see Holding."""

    email_digest = models.CharField(max_length=64)
    erasure_requested_at = models.DateField(
        null=True,
        blank=True,
        help_text="the person's first erasure request (shown to staff); the retention clock "
        "reads each holding's own erasure_requested_at",
    )

    class Meta:
        # A constraint, not unique=True: on PostgreSQL Django would add a second index for
        # LIKE searches, which no one runs on a digest, and every new person paid for it.
        constraints = [
            models.UniqueConstraint(fields=["email_digest"], name="registry_person_digest_unique")
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class Source(models.TextChoices):
    SOFTWARE_PROFILE = "software_profile"
    CUSTOMER_SERVICE = "customer_service"
    SALES = "sales"
    ADMINISTRATIVE = "administrative"


class Channel(models.TextChoices):
    MONTHLY_SYNC = "monthly_sync"
    EMAIL = "email"
    FORM = "form"
    PHONE = "phone"


class HoldingState(models.TextChoices):
    ACTIVE = "active"
    PENDING_DELETION = "pending_deletion"
    DELETED = "deleted"
    ANONYMIZED = "anonymized"


LIVE_STATES = (HoldingState.ACTIVE, HoldingState.PENDING_DELETION)


class Holding(PublicIdModel):
    """What is held about one person under one source, for one organisation.

    The retention columns (``due_at``, ``deadline_at``, ``retention_rule``, ``retention_action``)
    are the evaluator's answer stored for set-based sweeps; every service that changes a fact
    the evaluator reads recomputes them in the same transaction.
    """

    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="holdings"
    )
    # Their own indexes would repeat the leading column of registry_holding_org_source and
    # registry_holding_profile: every index is written again by each insert and each update.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="holdings", db_index=False
    )
    instance = models.ForeignKey(
        Instance,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holdings",
        db_index=False,
    )
    source = models.CharField(max_length=32, choices=Source.choices)
    purpose = models.CharField(max_length=64)
    legal_basis = models.CharField(max_length=32)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    collected_at = models.DateField()
    last_contact_at = models.DateField(null=True, blank=True)
    roles = models.JSONField(default=list, blank=True)
    role_removed_at = models.DateField(null=True, blank=True)
    # Notice §4 ¶3, §5, §9.1: the erasure request that covered this holding. A fact of the data
    # held when the request was made, never of data collected after it.
    erasure_requested_at = models.DateField(null=True, blank=True)
    state = models.CharField(
        max_length=20, choices=HoldingState.choices, default=HoldingState.ACTIVE
    )

    # The personal values; null when not held (or no longer held).
    full_name = models.CharField(max_length=200, null=True, blank=True)
    email = models.CharField(max_length=254, null=True, blank=True)
    phone = models.CharField(max_length=32, null=True, blank=True)
    preferred_language = models.CharField(max_length=2, null=True, blank=True)

    # Software profiles: a keyed digest of the user's id in the instance (core/digest.py), so
    # that the monthly sync finds the holding again when a name or an email changes.
    source_key = models.CharField(max_length=64, null=True, blank=True)

    # Evaluator output (see class docstring).
    due_at = models.DateField(null=True, blank=True)
    deadline_at = models.DateField(null=True, blank=True)
    retention_rule = models.CharField(max_length=64, blank=True)
    retention_action = models.CharField(max_length=16, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "due_at"], name="registry_holding_due"),
            models.Index(fields=["organization", "source"], name="registry_holding_org_source"),
            models.Index(fields=["instance", "source_key"], name="registry_holding_profile"),
            # The registry page in name order, a page at a time from its neighbour (keyset):
            # live holdings only, so the sweep's ended rows leave it (issue 18 point 5).
            models.Index(
                Coalesce("full_name", Value("")),
                F("id"),
                name="registry_holding_by_name",
                condition=Q(state__in=["active", "pending_deletion"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source", "organization"],
                condition=Q(state__in=["active", "pending_deletion"]),
                name="registry_holding_one_live_per_source",
            ),
            models.CheckConstraint(
                condition=Q(source__in=[choice.value for choice in Source]),
                name="registry_holding_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[choice.value for choice in HoldingState]),
                name="registry_holding_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.public_id}"

    @property
    def held_fields(self) -> list[str]:
        """The personal fields this holding holds a value for (the policy file's fields)."""
        return [name for name in personal_fields(active_policy()) if getattr(self, name)]
