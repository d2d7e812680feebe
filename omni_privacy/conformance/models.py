"""The daily conformance runs (issue 16 point 6): the dashboard raises an alarm from the first
failure on, naming the clause; nothing personal (codes and counts)."""

from __future__ import annotations

from django.db import models


class ConformanceRun(models.Model):
    as_of = models.DateField()
    ran_at = models.DateTimeField()
    failed = models.BooleanField()
    failures = models.JSONField(default=list, help_text="[{clause, code, params}] of each failure")
    audit_head = models.CharField(max_length=64, help_text="the audit chain's head hash then")

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"conformance {self.as_of} {'failed' if self.failed else 'passed'}"
