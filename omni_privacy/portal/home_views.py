"""The privacy centre (issue 14 point 1): the public home at /fr/ and /en/, the redirect from
/ by the browser's language, and the friendly error pages of the whole site.

What Omni holds and why comes from the policy (the notice as code): each source, the fields it
holds, its purposes and its retention rules, in the reader's language. No cookie here.
"""

from __future__ import annotations

import sys
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from omni_privacy.core.security import NotUtf8
from omni_privacy.core.views import database_unavailable
from omni_privacy.policy.loader import active_policy
from omni_privacy.policy.render import citation
from omni_privacy.portal.pagecache import cached_page

HOME = {"fr": "portal:home_fr", "en": "portal:home_en"}


def browser_language(request: HttpRequest) -> str:
    """French or English, from the Accept-Language header alone (no cookie, no session);
    French when the browser prefers neither (Omni's home language)."""
    header = request.headers.get("Accept-Language", "")
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("fr", "en") and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else "fr"


@require_safe
def root(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(reverse(HOME[browser_language(request)]))
    response["Vary"] = "Accept-Language"
    return response


def holdings_summary(language: str) -> list[dict[str, Any]]:
    policy = active_policy()
    return [
        {
            "label": source.label.get(language),
            "section": citation(source.section, language),
            "condition": source.condition_text.get(language),
            "fields": [policy.fields[name].label.get(language) for name in source.fields],
            "purposes": [policy.purposes[name].label.get(language) for name in source.purposes],
            "retention": [rule.text.get(language) for rule in policy.rules_for(source.id)],
        }
        for source in policy.sources.values()
    ]


@require_safe
def home(request: HttpRequest, language: str) -> HttpResponse:
    other = "en" if language == "fr" else "fr"
    policy = active_policy()

    def build() -> HttpResponse:
        return render(
            request,
            "portal/home.html",
            {
                "language": language,
                "other_language": other,
                "other_url": reverse(HOME[other]),
                "sources": holdings_summary(language),
                "contact": policy.notice.privacy_officer_contact,
            },
        )

    with translation.override(language):
        # The page is the policy's words: the same for everyone while the policy is.
        return cached_page(request, (id(policy), policy.notice.version), build)


def _error_language(request: HttpRequest) -> str:
    path = request.path
    if path.startswith("/fr/"):
        return "fr"
    if path.startswith("/en/"):
        return "en"
    user = getattr(request, "user", None)
    if path.startswith("/console/") and user is not None and user.is_authenticated:
        # The console's language middleware has already activated the account's language
        # (session choice, browser, account): its error pages speak it too.
        active = translation.get_language()
        if active in ("fr", "en"):
            return active
    return browser_language(request)


def _error(request: HttpRequest, status: int, *, not_utf8: bool = False) -> HttpResponse:
    language = _error_language(request)
    console = request.path.startswith("/console/")
    with translation.override(language):
        return render(
            request,
            "portal/errors/error.html",
            {
                "language": language,
                "status": status,
                "not_utf8": not_utf8,
                "console": console,
                "back_url": reverse("console:registry") if console else reverse(HOME[language]),
            },
            status=status,
        )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001
    return _error(request, 404)


def method_not_allowed(request: HttpRequest) -> HttpResponse:
    return _error(request, 405)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001
    return _error(request, 403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, not_utf8=isinstance(exception, NotUtf8))


def server_error(request: HttpRequest) -> HttpResponse:
    """A locked (SQLite busy past its timeout) or unreachable database is a temporary
    condition: 503 with Retry-After (core/views.py); anything else the friendly 500 page.
    Django calls this inside the failing request's ``except`` block."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    return _error(request, 500)
