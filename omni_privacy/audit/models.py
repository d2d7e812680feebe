"""The append-only, hash-chained audit log (notice §8; REQUIREMENTS #15).

Only `audit.services.audit_record` writes here. Database triggers (migration 0002) refuse
UPDATE and DELETE on both SQLite and PostgreSQL; the HMAC chain makes any change made behind
the triggers' back visible to `omni-privacy audit verify`.

No personal data in clear: people and holdings are named by their public UUIDs only.
"""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=64, help_text="'user:<uuid>', 'system' or 'cli'")
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, db_index=True)
    payload = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """A single row holding the chain's tip. Writers lock it (SELECT ... FOR UPDATE on
    PostgreSQL; SQLite serialises writers) so that two concurrent transactions can never
    both extend the chain from the same previous hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.sequence}"
