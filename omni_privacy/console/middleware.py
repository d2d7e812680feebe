"""Language without a cookie (notice §2.3: authentication cookies only).

Signed-in staff get the language saved on their account; anyone else gets ``?lang=`` when
given, else their browser's Accept-Language (Django's LocaleMiddleware). No language cookie
is ever set.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

LANGUAGE_CODES = frozenset(code for code, _ in settings.LANGUAGES)


def requested_language(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return str(user.preferred_language)
    lang = request.GET.get("lang")
    return lang if lang in LANGUAGE_CODES else None


class UserLanguageMiddleware:
    """Must come after AuthenticationMiddleware (it reads request.user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = requested_language(request)
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language is not None:
            response.headers["Content-Language"] = language
        return response
