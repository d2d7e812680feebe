"""Base models: timestamps and public identifiers.

Public identifiers (UUIDs) are what leaves the database (URLs, audit events, JSON): they say
nothing about a person, unlike an email or a sequential id that leaks volumes.
"""

from __future__ import annotations

import uuid

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(TimeStampedModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class PeriodicJobRun(models.Model):
    """When each periodic job last ran; claimed with a conditional update so that two workers
    never start the same job for the same slot (healthchecks' sendalerts pattern)."""

    name = models.CharField(max_length=100, unique=True)
    last_slot = models.DateTimeField(null=True, blank=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class PeriodicClaim(models.Model):
    """One row per (job, slot) that was started (core/periodic.py). The unique constraint is
    the lock: of several workers inserting the same claim, the database lets exactly one
    succeed. It lives in the database rather than in Redis because the database is the one
    thing every worker shares in both shapes (the embedded database queue and RQ on Redis),
    and because with the database queue the claim and the enqueued task commit together."""

    name = models.CharField(max_length=100)
    slot = models.DateTimeField()
    claimed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="core_periodicclaim_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.slot:%Y-%m-%d %H:%M}"


class ThrottleHit(models.Model):
    """One attempt counted against a limit (core/throttle.py). ``bucket`` is a keyed digest of
    what is limited (an address, an IP address) and the purpose, never the value itself."""

    bucket = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["bucket", "at"], name="core_throttle_bucket_at")]

    def __str__(self) -> str:
        return f"{self.bucket[:8]} {self.at:%Y-%m-%d %H:%M}"


class WorkerBeat(models.Model):
    """A task worker's sign of life (core/reaper.py): `omni-privacy worker` refreshes its row
    every few seconds while it runs and deletes it when it stops cleanly. A RUNNING task whose
    worker's beat has gone quiet was abandoned (the worker was killed) and is reaped."""

    worker_id = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.worker_id
