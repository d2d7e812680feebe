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
