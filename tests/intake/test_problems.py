"""A refused sync's problems are shown in the reader's language (intake/problems.py)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation

from omni_privacy.intake.problems import TEMPLATES, translated_problem, translated_problems
from omni_privacy.intake.services import SyncRefusedError, sync_import
from tests.intake.test_sync_import import BAD, LEA, apply
from tests.retention.factory import ACTOR

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)


def test_stored_problems_read_in_french_and_english() -> None:
    stored = "line 2: user_id: duplicate of line 1\nline 3: not valid JSON\n... and 4 more problems"
    with translation.override("fr"):
        assert translated_problems(stored) == [
            "ligne 2\u00a0: user_id\u00a0: doublon de la ligne 1",
            "ligne 3\u00a0: JSON non valide",
            "… et 4 autres problèmes",
        ]
    with translation.override("en"):
        assert translated_problems(stored) == stored.splitlines()


def test_a_message_without_a_template_is_shown_as_written() -> None:
    with translation.override("fr"):
        assert translated_problem("line 9: something new") == "ligne 9\u00a0: something new"
        assert translated_problem("export: HTTP/2 oddity") == "export: HTTP/2 oddity"


@pytest.mark.parametrize("case", sorted(BAD))
def test_every_refusal_the_sync_writes_has_its_french(instance, case) -> None:
    apply(instance, [LEA], dt.date(2026, 10, 1))
    data, _expected = BAD[case]
    fmt = "csv" if case == "missing column" else "jsonl"
    with pytest.raises(SyncRefusedError) as refused:
        sync_import(actor=ACTOR, instance=instance, stream=io.BytesIO(data), fmt=fmt, as_of=NOV)
    with translation.override("fr"):
        for problem in refused.value.problems:
            said = translated_problem(str(problem))
            message = problem.message
            assert message not in said, said  # translated, not passed through


def test_every_template_has_a_french_translation() -> None:
    with translation.override("fr"):
        for template in TEMPLATES:
            assert translation.gettext(template) != template
