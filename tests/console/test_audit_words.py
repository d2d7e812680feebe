"""Every audit action the source records has words for the audit-log page and its export."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

import omni_privacy
from omni_privacy.audit.action_words import ACTION_WORDS
from omni_privacy.audit.words import sentence
from omni_privacy.retention.models import RunKind

_ACTION_LINE = re.compile(r"\b(?:audit_)?action(?:: str)?\s*=\s*(.+)")
_CODE = re.compile(r'"([a-z_]+\.[a-z_.]+)"')

# Codes the source builds from parts (f-strings and concatenations).
BUILT = {
    *(f"retention.{kind}.{step}" for kind in RunKind.values for step in ("started", "receipt")),
    "rights_request.objection_recorded",
    "rights_request.withdrawal_recorded",
    "drp.callback_sent",
    "drp.callback_failed",
    "consent.withdrawn",
    "audit.exported",
    "person.read",
}


def _recorded_codes() -> set[str]:
    root = Path(omni_privacy.__file__).parent
    found: set[str] = set()
    for path in root.rglob("*.py"):
        if "migrations" in path.parts or path.name == "action_words.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _ACTION_LINE.search(line)
            if match:
                found.update(_CODE.findall(match.group(1)))
    return {code for code in found if not code.endswith("_")} | BUILT  # "drp.callback_" + …


def test_every_recorded_action_has_words_and_every_word_an_action() -> None:
    codes = _recorded_codes()
    assert len(codes) > 80  # the scan found the source's actions
    assert sorted(codes - set(ACTION_WORDS)) == []
    assert sorted(set(ACTION_WORDS) - codes) == []


def test_the_words_are_french_for_a_french_reader() -> None:
    with translation.override("en"):
        english = {code: str(words) for code, words in ACTION_WORDS.items()}
    with translation.override("fr"):
        assert sentence("staff.signed_in", {}, {}) == "Connexion."
        french = {code: str(words) for code, words in ACTION_WORDS.items()}
    assert [code for code in ACTION_WORDS if french[code] == english[code]] == []


_ACTOR = re.compile(r'\b(?:actor|ACTOR)\s*=\s*"([a-z_:]+)"')


def test_every_actor_the_source_records_has_words() -> None:
    from omni_privacy.audit.words import ACTORS, actor_name

    root = Path(omni_privacy.__file__).parent
    found = {
        actor
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        for actor in _ACTOR.findall(path.read_text(encoding="utf-8"))
    }
    assert {"system", "cli", "portal", "system:stores"} <= found
    assert sorted(found - set(ACTORS)) == []
    with translation.override("fr"):
        assert actor_name("system:stores", {}) == "Le système (bases externes)"
        assert actor_name("drp:agent-7", {}) == "Agent autorisé agent-7"
        assert actor_name("user:unknown", {}) == "un ancien membre du personnel"
