"""The public pages that read the same for everyone, kept rendered (issue 18 point 5: the
privacy centre and the notice at 1,000 requests a second).

A page is kept per process under a key that names everything it depends on: the address,
the language, the day, and what the caller adds (the policy in force for the privacy
centre; the published versions' count and last change for the notice). Anything else is
built as before: a query string, a method other than GET or HEAD, a status other than 200, a
response that sets a cookie. A kept page cannot be stale: when what it depends on changes,
its key changes. The security headers are added on the way out, as for any page.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from omni_privacy.core import clock

MAX_PAGES = 64
_PAGES: OrderedDict[Hashable, tuple[bytes, str]] = OrderedDict()
_LOCK = Lock()


def cached_page(
    request: HttpRequest, depends_on: Hashable, build: Callable[[], HttpResponse]
) -> HttpResponse:
    if request.method not in ("GET", "HEAD") or request.GET:
        return build()
    key = (request.path, translation.get_language(), clock.today(), depends_on)
    with _LOCK:
        kept = _PAGES.get(key)
        if kept is not None:
            _PAGES.move_to_end(key)
    if kept is not None:
        content, content_type = kept
        return HttpResponse(content, content_type=content_type)
    response = build()
    if response.status_code == 200 and not response.streaming and not response.cookies:
        with _LOCK:
            _PAGES[key] = (response.content, response["Content-Type"])
            while len(_PAGES) > MAX_PAGES:
                _PAGES.popitem(last=False)
    return response


def forget_pages() -> None:
    """Tests: start from nothing kept."""
    with _LOCK:
        _PAGES.clear()
