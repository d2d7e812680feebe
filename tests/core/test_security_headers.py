"""Every page of the console and the portal carries the strict CSP and the other browser
headers (issue 15 §4): the test walks every URL pattern, anonymously and as an officer."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.console.conftest import make_user

pytestmark = pytest.mark.django_db

SAMPLES = {"uuid": str(uuid.UUID(int=7)), "int": "1", "slug": "sample", "str": "sample"}
PARAMETER = re.compile(r"<(?:(?P<kind>\w+):)?\w+>")
STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    pairs = (part.strip().partition(" ") for part in header.split(";") if part.strip())
    return {name: value for name, _, value in pairs}


def _paths() -> list[str]:
    """Every console and portal pattern, with a sample value for each converter."""
    out: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                route = PARAMETER.sub(lambda m: SAMPLES.get(m["kind"] or "str", "sample"), route)
                out.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(p for p in out if not p.startswith(("/api/", "/drp/")) or "docs" in p)


def test_the_walk_covers_the_console_and_the_portal():
    paths = _paths()
    assert sum(p.startswith("/console/") for p in paths) >= 30
    assert sum(p.startswith(("/fr/", "/en/")) for p in paths) >= 25
    assert not [p for p in paths if "<" in p]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "officer"])
def test_every_page_has_the_csp_and_browser_headers(client, signed_in):
    if signed_in:
        client.force_login(make_user("pat.officer", "privacy_office"))
    missing = []
    for path in _paths():
        response = client.get(path)
        csp = directives(response.headers.get("Content-Security-Policy", ""))
        if path == "/api/docs" and signed_in:
            ok = csp == STRICT | {"style-src": "'self' 'unsafe-inline'"}
        else:
            ok = csp == STRICT
        if not (
            ok
            and response.headers.get("Referrer-Policy") == "same-origin"
            and "camera=()" in response.headers.get("Permissions-Policy", "")
            and response.headers.get("X-Frame-Options") == "DENY"
        ):
            missing.append((path, response.status_code))
    assert missing == []


def test_api_docs_only_for_signed_in_staff_and_from_this_site(client):
    anonymous = client.get("/api/docs")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/console/")
    assert client.get("/api/openapi.json").status_code == 401
    client.force_login(make_user("sam.sales", "sales"))
    page = client.get("/api/docs")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html
    csp = directives(page.headers["Content-Security-Policy"])
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert client.get("/api/openapi.json").status_code == 200
