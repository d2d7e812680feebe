"""The portal's one cookie (notice §2.3): the session, and only after identity is verified.

Django gives every session cookie the console's SameSite=Strict; on the public rights pages
it is SameSite=Lax instead, so that the link in a letter opens the person's request page,
and Secure whenever the request came over HTTPS.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PORTAL_PREFIXES = ("/fr/", "/en/")


class PortalSessionCookieMiddleware:
    """Must come before SessionMiddleware, so that it sees the cookie that one sets."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
        if cookie is not None and request.path.startswith(PORTAL_PREFIXES):
            cookie["samesite"] = "Lax"
            cookie["httponly"] = True
            if request.is_secure() or settings.SESSION_COOKIE_SECURE:
                cookie["secure"] = True
        return response


class MethodNotAllowedPageMiddleware:
    """An address that only takes a form (``require_POST``) answers a browser that opens it
    with an empty 405: this gives it the friendly error page instead, in the reader's
    language, with a way back (the Allow header stays). The API and the agents' protocol
    keep their own bodies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or request.path.startswith(("/api/", "/drp/")):
            return response
        if getattr(response, "streaming", False) or response.content:
            return response
        from omni_privacy.portal.home_views import method_not_allowed

        page = method_not_allowed(request)
        if "Allow" in response.headers:
            page.headers["Allow"] = response.headers["Allow"]
        return page
