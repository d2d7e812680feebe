"""A refusal said to an API client: in English unless the request's ``Accept-Language`` asks
for French (an integration reads the API's documentation in English; a person's tool may ask
for French), with the API's own field names."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja.errors import HttpError

from omni_privacy.core.errors import AppError, Problem


def api_language(request: HttpRequest) -> str:
    """``fr`` or ``en`` from ``Accept-Language`` (first supported, by weight); ``en`` without."""
    for code, _weight in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-", 1)[0].lower()
        if base in ("fr", "en"):
            return base
    return "en"


def refused(
    request: HttpRequest, status: int, error: AppError, renamed: Mapping[str, str] | None = None
) -> HttpError:
    """The ``HttpError`` to raise for ``error``: its problems said in the client's language,
    each field under the name the API's schema gives it (``renamed``)."""
    renamed = renamed or {}
    problems = [
        Problem(p.code, p.params, field=renamed.get(p.field, p.field), line=p.line)
        for p in error.problems
    ]
    with translation.override(api_language(request)):
        if problems:
            said = "; ".join(problem.said() for problem in problems)
        else:
            said = "; ".join(error.said())
    return HttpError(status, said)
