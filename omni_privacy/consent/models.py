"""The consent ledger and the suppression list (notice §9 ¶1, §9.1; REQUIREMENTS #19, #22).

Both tables are append-only: database triggers (migration 0002, consent/triggers.py) refuse
UPDATE and DELETE on SQLite and PostgreSQL, and the models refuse them too. A withdrawal is a
new event, never an edit of the consent it withdraws, so the ledger answers "did this person
consent to P, under which notice version, and when did that change".

People are named by their public id and the keyed digest of their address (core/digest.py),
not by a foreign key: the ledger is the proof of what was consented to and must outlive the
registry rows that the retention sweep deletes. No address is stored in clear.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete a row of an append-only table."""


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only: no update")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only: no delete")


class ConsentChannel(models.TextChoices):
    EMAIL = "email"
    FORM = "form"
    PHONE = "phone"
    PORTAL = "portal"
    CONSOLE = "console"


class ConsentEvent(AppendOnlyModel):
    """A consent given or withdrawn for one purpose, with the notice version and language the
    person was shown, the channel and the moment (notice §9 ¶1; GDPR 7(1): be able to show it)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person_public_id = models.UUIDField(db_index=True)
    email_digest = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=64)
    given = models.BooleanField()
    notice_identifier = models.CharField(max_length=32)
    notice_version = models.CharField(max_length=16)
    language = models.CharField(max_length=2)
    channel = models.CharField(max_length=16, choices=ConsentChannel.choices)
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["person_public_id", "purpose"], name="consent_person")]

    def __str__(self) -> str:
        return f"{self.purpose}:{'given' if self.given else 'withdrawn'}"


class SuppressionSource(models.TextChoices):
    OBJECTION = "objection"
    GPC = "gpc"
    CONSOLE = "console"
    DSR = "dsr"


class Suppression(AppendOnlyModel):
    """An address no use may reach for ``scope``: "direct_marketing" (absolute, GDPR 21(3)),
    "all", or one purpose id. Checked before every mailing and again before every send."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email_digest = models.CharField(max_length=64, db_index=True)
    scope = models.CharField(max_length=64)
    source = models.CharField(max_length=16, choices=SuppressionSource.choices)
    reason = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.scope}:{self.source}"
