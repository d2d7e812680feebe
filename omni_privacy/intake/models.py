"""Records of the monthly sync (notice §2.4 scenario 1: "at most one month between refreshes").

A SyncRun is written for every attempt, successful or refused, with its counts and the file's
SHA-256; its problems name lines and fields only, never a value from the file.
"""

from __future__ import annotations

from django.db import models

from omni_privacy.core.errors import Problem
from omni_privacy.core.models import PublicIdModel
from omni_privacy.registry.models import Instance


class SyncStatus(models.TextChoices):
    FINISHED = "finished"
    FAILED = "failed"


class SyncOrigin(models.TextChoices):
    FILE = "file"
    PULL = "pull"


class SyncRun(PublicIdModel):
    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="sync_runs")
    as_of = models.DateField()
    origin = models.CharField(max_length=8, choices=SyncOrigin.choices)
    status = models.CharField(max_length=12, choices=SyncStatus.choices)
    actor = models.CharField(max_length=100)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    file_sha256 = models.CharField(max_length=64, blank=True)
    rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="{change: holdings}")
    problems = models.TextField(
        blank=True, help_text="before problems had codes: why it was refused, in English words"
    )
    problem_codes = models.JSONField(
        default=list,
        blank=True,
        help_text="why it was refused: coded problems (code, params, field, line), said in "
        "each reader's language",
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.instance_id} {self.as_of} {self.status}"

    def refusal(self) -> list[Problem]:
        """Why the run was refused, as problems (a run refused before problems had codes
        gives its stored words, shown as written)."""
        if self.problem_codes:
            return [Problem.from_dict(item) for item in self.problem_codes]
        return [Problem(line) for line in self.problems.splitlines() if line]
