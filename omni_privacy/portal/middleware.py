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
