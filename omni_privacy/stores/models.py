"""External stores: Omni's other databases that hold personal data (issue 17)."""

from __future__ import annotations

from django.db import models

from omni_privacy.core.models import PublicIdModel


class ExternalStore(PublicIdModel):
    """A database outside this system, its connection (sealed: core/crypto.py) and the dataset
    file that says what it holds about people and what erasure means there (docs/stores.md).
    Only stores/services.py writes it."""

    class Dialect(models.TextChoices):
        POSTGRESQL = "postgresql", "PostgreSQL"
        MYSQL = "mysql", "MariaDB / MySQL"
        SQLITE = "sqlite", "SQLite"

    class Status(models.TextChoices):
        NEW = "new"  # registered, never checked
        OK = "ok"  # reachable, the dataset matches the schema
        PROBLEMS = "problems"  # reachable, the dataset or the schema has problems
        UNREACHABLE = "unreachable"

    name = models.SlugField(max_length=63, unique=True)
    dialect = models.CharField(max_length=16, choices=Dialect.choices)
    url_sealed = models.TextField(help_text="the connection URL, encrypted (core/crypto.py)")
    dataset_path = models.CharField(max_length=500, blank=True)
    dataset_text = models.TextField()
    dataset_sha256 = models.CharField(max_length=64)
    schema = models.JSONField(default=dict, blank=True, help_text="reflected at the last check")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    status_code = models.CharField(max_length=40, blank=True)
    problems = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    scan = models.JSONField(default=dict, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class StoreErasure(PublicIdModel):
    """One person's erasure in one store, for one reason (a rights request, a retention sweep),
    tried until it is done or explained (issue 17 points 4 and 5). Only stores/jobs.py writes it.

    The person's address is kept sealed only while the erasure is not done; it is destroyed
    (emptied) as soon as the store is done, and the row keeps only the keyed digest.
    """

    class State(models.TextChoices):
        PENDING = "pending"  # not tried yet, or waiting for its next attempt
        DONE = "done"  # erased (and what is kept, named with its reason)
        BLOCKED = "blocked"  # retrying cannot cure it: a privacy officer must act

    store = models.ForeignKey(ExternalStore, on_delete=models.PROTECT, related_name="erasures")
    reason = models.CharField(
        max_length=80, help_text="what asked for it: rights_request:<ref> or retention:<day>"
    )
    subject_digest = models.CharField(max_length=64, help_text="core/digest.py email_digest")
    source = models.CharField(
        max_length=40,
        blank=True,
        default="",
        help_text="the policy's source whose data is erased (retention); empty: everything",
    )
    identity_sealed = models.TextField(blank=True, help_text="the address, sealed; empty once done")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    failure_code = models.CharField(max_length=40, blank=True)
    failure_params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True, help_text="counts per table, no values")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "reason", "subject_digest", "source"],
                name="one_erasure_per_store_reason_source",
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.store_id}:{self.reason}"
