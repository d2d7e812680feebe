"""Counts agree with their number, in French and in English (issue 13 point 6)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import ngettext

from omni_privacy.ops.management.commands.import_jsonl import summary


def _report(created: int, updated: int, recorded: int, holdings_updated: int) -> SimpleNamespace:
    return SimpleNamespace(
        organizations_created=created,
        organizations_updated=updated,
        holdings_recorded=recorded,
        holdings_updated=holdings_updated,
    )


@pytest.mark.parametrize(
    ("language", "counts", "said"),
    [
        ("fr", (1, 0, 1, 1),
         ("organisations\u00a0: 1 créée, 0 mise à jour\u00a0; "
          "fiches\u00a0: 1 enregistrée, 1 mise à jour")),
        ("fr", (2, 3, 2, 4),
         ("organisations\u00a0: 2 créées, 3 mises à jour\u00a0; "
          "fiches\u00a0: 2 enregistrées, 4 mises à jour")),
        ("en", (1, 0, 1, 1),
         "organisations: 1 created, 0 updated; holdings: 1 recorded, 1 updated"),
        ("en", (2, 3, 2, 4),
         "organisations: 2 created, 3 updated; holdings: 2 recorded, 4 updated"),
    ],
)  # fmt: skip
def test_the_import_summary_agrees_with_each_count(language, counts, said) -> None:
    with translation.override(language):
        assert summary(_report(*counts)) == said


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("fr", "journal d’audit intact\u00a0: 0 événement\n"),
        ("en", "audit log intact: 0 events\n"),
    ],
)
def test_the_audit_count_agrees_with_its_number(language, said) -> None:
    out = io.StringIO()
    with translation.override(language):
        call_command("audit", "verify", stdout=out)
    assert out.getvalue() == said


@pytest.mark.parametrize(
    ("language", "count", "said"),
    [
        ("fr", 1, "Campagne c\u00a0: 1 message en file d’attente (fr 1, en 0)."),
        ("fr", 2, "Campagne c\u00a0: 2 messages en file d’attente (fr 2, en 0)."),
        ("en", 1, "Campaign c: 1 message queued (fr 1, en 0)."),
    ],
)
def test_a_campaigns_queued_count_agrees_with_its_number(language, count, said) -> None:
    """The catalogue entry `mailings send-update` prints (its command test runs in English)."""
    with translation.override(language):
        text = ngettext(
            "Campaign %(id)s: %(count)d message queued (fr %(fr)d, en %(en)d).",
            "Campaign %(id)s: %(count)d messages queued (fr %(fr)d, en %(en)d).",
            count,
        )
    assert text % {"id": "c", "count": count, "fr": count, "en": 0} == said
