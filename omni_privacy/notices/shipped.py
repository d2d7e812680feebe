"""The notice Omni publishes today, QAC-REC-004 version 2 (in force since 2024-02-08), shipped
as package data (seed/*.md: the French and English parts of the signed document), so that a
fresh installation shows it on its public pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction

from omni_privacy.notices.models import NoticeVersion
from omni_privacy.notices.services import NoticeInput, notice_import, notice_publish

SEED_DIR = Path(__file__).resolve().parent / "seed"
IDENTIFIER = "QAC-REC-004"
VERSION = 2
EFFECTIVE = dt.date(2024, 2, 8)
SUMMARY_FR = "Version en vigueur depuis le 2024-02-08 : texte intégral de l'avis QAC-REC-004."
SUMMARY_EN = "Version in force since 2024-02-08: the full text of notice QAC-REC-004."


def shipped_text(language: str) -> str:
    return (SEED_DIR / f"{IDENTIFIER}-v{VERSION}.{language}.md").read_text(encoding="utf-8")


def shipped_notice_publish(*, actor: str, at: dt.datetime) -> NoticeVersion | None:
    """Import and publish the shipped version when no version of the notice exists yet;
    None (nothing done) otherwise."""
    with transaction.atomic():
        if NoticeVersion.objects.filter(identifier=IDENTIFIER).exists():
            return None
        draft = notice_import(
            data=NoticeInput(
                identifier=IDENTIFIER,
                version=VERSION,
                effective_on=EFFECTIVE,
                text_fr=shipped_text("fr"),
                text_en=shipped_text("en"),
                summary_fr=SUMMARY_FR,
                summary_en=SUMMARY_EN,
            ),
            actor=actor,
        )
        return notice_publish(version_id=draft.pk, actor=actor, at=at)
