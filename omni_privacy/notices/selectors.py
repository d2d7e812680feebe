"""Reads of notice versions, as plain values for pages, commands and other apps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max

from omni_privacy.notices.models import NoticeState, NoticeVersion
from omni_privacy.policy.loader import active_policy

DEFAULT_IDENTIFIER = "QAC-REC-004"


@dataclass(frozen=True)
class NoticeVersionView:
    """One version of a notice. ``version`` is its number as text ("2"), as the consent ledger
    records it; ``number`` is the same as an integer, for ordering."""

    identifier: str
    version: str
    number: int
    effective_on: dt.date
    published_at: dt.datetime | None
    classification: str
    text_fr: str
    text_en: str
    summary_fr: str
    summary_en: str
    state: str
    public_id: str
    pk: int
    published_by: str = ""  # the publishing officer's username; console only

    @property
    def published(self) -> bool:
        return self.state == NoticeState.PUBLISHED

    def text(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_fr

    def summary(self, language: str) -> str:
        return self.summary_en if language == "en" else self.summary_fr


def _view(row: NoticeVersion) -> NoticeVersionView:
    return NoticeVersionView(
        identifier=row.identifier,
        version=str(row.version),
        number=row.version,
        effective_on=row.effective_on,
        published_at=row.published_at,
        classification=row.classification,
        text_fr=row.text_fr,
        text_en=row.text_en,
        summary_fr=row.summary_fr,
        summary_en=row.summary_en,
        state=row.state,
        public_id=str(row.public_id),
        pk=row.pk,
        published_by=row.published_by.get_username() if row.published_by else "",
    )


def current_notice(
    *, identifier: str = DEFAULT_IDENTIFIER, at: dt.date
) -> NoticeVersionView | None:
    """The version in force on ``at``: the latest published one whose effective date is on or
    before ``at``. Drafts never are; a version published ahead of its date is not yet."""
    row = (
        NoticeVersion.objects.filter(
            identifier=identifier, state=NoticeState.PUBLISHED, effective_on__lte=at
        )
        .order_by("-version")
        .first()
    )
    return None if row is None else _view(row)


def notice_version_in_force(*, at: dt.date) -> tuple[str, str]:
    """The identifier and version of the notice in force on ``at``, as consents and objections
    record it (notice §11): the latest published version of the policy's notice, or the policy
    file's own version until one is published."""
    policy_notice = active_policy().notice
    current = current_notice(identifier=policy_notice.identifier, at=at)
    if current is not None:
        return current.identifier, current.version
    return policy_notice.identifier, str(policy_notice.version)


def published_versions(*, identifier: str = DEFAULT_IDENTIFIER) -> list[NoticeVersionView]:
    """Every published version, newest first (the public history)."""
    rows = NoticeVersion.objects.filter(identifier=identifier, state=NoticeState.PUBLISHED)
    return [_view(row) for row in rows.select_related("published_by").order_by("-version")]


def published_stamp(*, identifier: str = DEFAULT_IDENTIFIER) -> tuple[int, str]:
    """What the public notice pages depend on, in one small query: how many versions are
    published and when the last one changed (a cache of those pages keys on it)."""
    stamp = NoticeVersion.objects.filter(
        identifier=identifier, state=NoticeState.PUBLISHED
    ).aggregate(count=Count("pk"), changed=Max("updated_at"))
    changed = stamp["changed"]
    return int(stamp["count"]), changed.isoformat() if changed else ""


def published_version(
    *, identifier: str = DEFAULT_IDENTIFIER, number: int
) -> NoticeVersionView | None:
    row = NoticeVersion.objects.filter(
        identifier=identifier, state=NoticeState.PUBLISHED, version=number
    ).first()
    return None if row is None else _view(row)


def all_versions() -> list[NoticeVersionView]:
    """Every version of every notice, drafts included (privacy officers' console and CLI)."""
    rows = NoticeVersion.objects.select_related("published_by")
    return [_view(row) for row in rows.order_by("identifier", "-version")]


def version_by_public_id(public_id: str) -> NoticeVersionView | None:
    row = NoticeVersion.objects.filter(public_id=public_id).first()
    return None if row is None else _view(row)


def previous_version(version: NoticeVersionView) -> NoticeVersionView | None:
    """The version before ``version`` to compare it with: the last published one below it, or
    the last one below it of any state when none below it is published."""
    below = NoticeVersion.objects.filter(
        identifier=version.identifier, version__lt=version.number
    ).order_by("-version")
    row = below.filter(state=NoticeState.PUBLISHED).first() or below.first()
    return None if row is None else _view(row)
