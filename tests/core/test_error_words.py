"""Errors as codes, words at the edge (issue 13 point 3): every code has its French."""

from __future__ import annotations

import importlib
import pkgutil

from django.utils import translation

import omni_privacy
from omni_privacy.core import errors

# Words that read the same in both languages (a code's template that is only placeholders).
SAME_IN_BOTH = frozenset({"accounts.weak_password"})  # the password validators' own words


def _import_everything() -> None:
    """Codes are declared where they are raised: import every module so all are known."""
    for module in pkgutil.walk_packages(omni_privacy.__path__, "omni_privacy."):
        if ".migrations" in module.name or module.name.endswith(("wsgi", "__main__")):
            continue
        importlib.import_module(module.name)


def test_every_error_code_is_said_in_french() -> None:
    _import_everything()
    untranslated = []
    for code, (template, plural) in sorted(errors._TEMPLATES.items()):
        with translation.override("fr"):
            said = (
                translation.ngettext(template, plural, 2)
                if plural
                else translation.gettext(template)
            )
        if code.startswith("test."):  # declared by tests/core/test_errors.py itself
            continue
        if said == (plural or template) and code not in SAME_IN_BOTH:
            untranslated.append(code)
    assert untranslated == []
    assert len(errors._TEMPLATES) > 100  # the import reached the apps' codes


def test_a_problem_is_said_in_the_readers_language() -> None:
    _import_everything()
    from omni_privacy.registry.domain.gate import UNKNOWN_PURPOSE

    problem = errors.Problem(UNKNOWN_PURPOSE, {"value": "marketing"}, field="purpose", line=3)
    with translation.override("en"):
        assert problem.said() == "line 3: purpose: unknown purpose 'marketing'"
    with translation.override("fr"):
        assert (
            problem.said()
            == "ligne 3\u00a0: purpose\u00a0: finalité inconnue «\u00a0marketing\u00a0»"
        )
    stored = problem.stored()
    assert "message" not in stored
    assert errors.Problem.from_dict(stored) == problem
