"""Error views that must answer without the database."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 30


def database_unavailable(request: HttpRequest) -> HttpResponse:  # noqa: ARG001
    """503 "temporarily unavailable" in the request's language (FR/EN), with Retry-After.

    Rendered without a request context on purpose: the context processors would read the
    session and the user, i.e. the database that could not be reached.
    """
    response = HttpResponse(
        render_to_string("core/unavailable.html"), status=503, content_type="text/html"
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handler500(request: HttpRequest) -> HttpResponse:
    """The project's 500 handler: a database that is locked (SQLite busy past its timeout) or
    unreachable is a temporary condition, answered 503 rather than 500.

    Django calls the handler inside the ``except`` block of the failing request, so the
    exception is still in ``sys.exc_info()``, whichever middleware or view raised it.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable(request)
    return server_error(request)
