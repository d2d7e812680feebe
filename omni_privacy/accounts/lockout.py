"""Sign-in lockout (issue 15) on django-axes: failures are counted per account and per client
address, and at either limit (OMNI_SIGNIN_ACCOUNT_FAILURES, OMNI_SIGNIN_ADDRESS_FAILURES) the
sign-in is refused before the password is even checked, for OMNI_SIGNIN_LOCKOUT_MINUTES.

Axes compares one failure count with one limit; the two limits differ here, so the handler
answers 1 ("at a limit") or 0, and AXES_FAILURE_LIMIT is 1.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The address failures are counted for: the connection's peer, never a header a client
    can write (X-Forwarded-For is honoured only through a trusted-proxy setting)."""
    return request.META.get("REMOTE_ADDR")


def _failures(attempts: Any) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_account, by_address = self.get_user_attempts(request, credentials)
        at_limit = (
            _failures(by_account) >= settings.OMNI_SIGNIN_ACCOUNT_FAILURES
            or _failures(by_address) >= settings.OMNI_SIGNIN_ADDRESS_FAILURES
        )
        return 1 if at_limit else 0


class LockoutBackend(AxesStandaloneBackend):
    """Axes' guard, for sign-ins over the web. ``authenticate`` without a request (an operator
    command, a test) has no address to count and is not a web sign-in: it is let through to
    the password check."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
