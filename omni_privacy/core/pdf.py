"""PDF documents from the same HTML templates people read on screen.

WeasyPrint lays out HTML and CSS for print (pages, margins, running headers) with no browser and
no network: the documents an auditor or a data subject downloads (access report, records of
processing, conformance report) are rendered from their page's template, so the PDF says exactly
what the page says. Fonts come from the system (Debian's fonts-dejavu-core, installed by .ci/run);
nothing is fetched at run time: a URL fetcher that refuses every external address is installed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation


class ExternalResourceError(Exception):
    """A document asked for something outside the application's own static files."""


def _local_path(url: str) -> str | None:
    """The file behind one of the application's /static/ URLs, or None."""
    prefix = (
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    )
    for base in ("file://", "http://omni.invalid"):
        if url.startswith(base + prefix):
            found = finders.find(url[len(base + prefix) :].split("?", maxsplit=1)[0])
            return str(found) if found else None
    return None


def _fetcher() -> Any:
    """A WeasyPrint fetcher serving /static/ and data: URLs only; anything else is refused."""
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _local_path(url)
            if path is None:
                raise ExternalResourceError(url)
            return super().fetch("file://" + path, headers)

    return LocalOnly(allowed_protocols=("file", "data"))


def html_to_pdf(html: str) -> bytes:
    """The PDF of an HTML document; /static/ URLs resolve to the application's own files."""
    from weasyprint import HTML

    return HTML(string=html, base_url="http://omni.invalid/", url_fetcher=_fetcher()).write_pdf()


def render_pdf(template: str, context: dict[str, Any], *, language: str) -> bytes:
    """Render `template` in `language` (fr or en) and return it as PDF bytes."""
    with translation.override(language):
        html = render_to_string(template, context)
    return html_to_pdf(html)
