"""Idle timeout (issue 15): a signed-in session that made no request for
OMNI_SESSION_IDLE_MINUTES is signed out, besides the absolute OMNI_SESSION_SECONDS."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from omni_privacy.accounts.signin import signed_out_idle
from omni_privacy.core import clock

LAST_SEEN = "omni_last_seen"
# The last request's time is written at most this often: a page costs no session write.
GRANULARITY_SECONDS = 60


def signed_in_now(request: HttpRequest) -> None:
    """At sign-in (the user_logged_in signal): the idle clock starts, in the same session save."""
    request.session[LAST_SEEN] = clock.now().timestamp()


class IdleTimeoutMiddleware:
    """After AuthenticationMiddleware (it reads request.user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = clock.now().timestamp()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - float(last) > settings.OMNI_SESSION_IDLE_MINUTES * 60:
                signed_out_idle(user)
                logout(request)
            elif last is None or now - float(last) >= GRANULARITY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
