"""Notice fixtures: versions of a fictional notice, drafts or published."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from omni_privacy.notices.models import NoticeVersion
from omni_privacy.notices.services import NoticeInput, notice_import, notice_publish
from tests.ops.conftest import run  # noqa: F401 - the operator-command fixture

IDENTIFIER = "QAC-REC-004"
PUBLISHED_AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=ZoneInfo("America/Toronto"))


def texts(number: int) -> tuple[str, str]:
    return (
        f"## 1. But\n\nOmni conserve les données {number} ans.\n",
        f"## 1. Purpose\n\nOmni keeps data for {number} years.\n",
    )


def make_version(
    number: int,
    effective_on: dt.date,
    *,
    publish: bool = True,
    identifier: str = IDENTIFIER,
    at: dt.datetime = PUBLISHED_AT,
) -> NoticeVersion:
    text_fr, text_en = texts(number)
    version = notice_import(
        data=NoticeInput(
            identifier=identifier,
            version=number,
            effective_on=effective_on,
            text_fr=text_fr,
            text_en=text_en,
            summary_fr=f"Durée : {number} ans.",
            summary_en=f"Period: {number} years.",
        ),
        actor="test",
    )
    if publish:
        version = notice_publish(version_id=version.pk, actor="test", at=at)
    return version
