"""Language without a cookie (notice §2.3: authentication cookies only), and the console's own
403 and 404 pages.

Signed-in staff get the language they chose in this session (the switch also saves it on their
account); when they have not chosen one, their browser's Accept-Language; without one, the
language saved on their account. Anyone else gets ``?lang=`` when given, else their browser's
Accept-Language (Django's LocaleMiddleware). No language cookie is ever set.

A page a user may not open under ``/console/`` answers a translated 403 page with a way back;
a page that does not exist, a translated 404 page (issue 14 point 6).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

LANGUAGE_CODES = frozenset(code for code, _ in settings.LANGUAGES)
SESSION_KEY = "console_language"


def browser_language(request: HttpRequest) -> str | None:
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        base = code.split("-")[0].lower()
        if base in LANGUAGE_CODES:
            return base
    return None


def requested_language(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        session = getattr(request, "session", None)
        chosen = session.get(SESSION_KEY) if session is not None else None
        if chosen in LANGUAGE_CODES:
            return str(chosen)
        return browser_language(request) or str(user.preferred_language)
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

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith("/console/"):
            return None
        if isinstance(exception, PermissionDenied):
            return render(request, "console/403.html", status=403)
        if isinstance(exception, Http404):
            return render(request, "console/404.html", status=404)
        return None
