"""Notice versions (notice §11; REQUIREMENTS #25): each version of a notice in French and in
English, with its effective date and what changed, a draft until a privacy officer publishes it.

A published version is the text people were told: it is never edited nor deleted. ``save()`` and
``delete()`` refuse it here, and database triggers (triggers.py) refuse it for queryset
updates, deletes and raw SQL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from omni_privacy.core.models import PublicIdModel


class PublishedNoticeError(Exception):
    """A published notice version was about to be changed or deleted."""


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class NoticeVersion(PublicIdModel):
    identifier = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    effective_on = models.DateField()
    classification = models.CharField(max_length=32, default="public")
    text_fr = models.TextField()
    text_en = models.TextField()
    summary_fr = models.TextField(blank=True, default="")
    summary_en = models.TextField(blank=True, default="")
    state = models.CharField(max_length=16, choices=NoticeState.choices, default=NoticeState.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["identifier", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier", "version"], name="notices_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(state="draft", published_at__isnull=True)
                | Q(state="published", published_at__isnull=False),
                name="notices_published_has_date",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="notices_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.state == NoticeState.PUBLISHED

    def save(self, *args: Any, **kwargs: Any) -> None:
        # What the database holds decides, not this instance: a stale copy of a published row
        # saved back is refused too.
        if self.pk is not None and self._stored_state() == NoticeState.PUBLISHED:
            raise PublishedNoticeError(f"{self} is published: it cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.pk is not None and self._stored_state() == NoticeState.PUBLISHED:
            raise PublishedNoticeError(f"{self} is published: it cannot be deleted")
        return super().delete(*args, **kwargs)

    def _stored_state(self) -> str | None:
        return NoticeVersion.objects.filter(pk=self.pk).values_list("state", flat=True).first()
