"""A sentence in both of the notice's languages, from the catalogue (not written twice in the
code): the letters and reports keep each line in French and English, and the reader's
language picks one when it is sent (notice §1: the notice and its answers are bilingual).

``both(gettext_noop("…%(name)s…"), name=…)`` (or a plural, ``ngettext_lazy(…, "count")``,
with ``count=``): a parameter is a plain value or a
``{"fr": …, "en": …}`` pair (a label from the policy), picked per language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

LANGUAGES = ("fr", "en")


def _params(params: Mapping[str, Any], language: str) -> dict[str, Any]:
    return {
        key: value[language] if isinstance(value, Mapping) else value
        for key, value in params.items()
    }


def both(message: str | Promise, **params: Any) -> dict[str, str]:
    """``message`` is a msgid (marked with gettext_noop) or a lazy plural
    (``ngettext_lazy(singular, plural, "count")``: the count is a parameter)."""
    out = {}
    for language in LANGUAGES:
        with translation.override(language):
            values = _params(params, language)
            if isinstance(message, Promise):
                out[language] = str(message % values if values else message)
            else:
                text = gettext(message)
                out[language] = text % values if values else text
    return out
