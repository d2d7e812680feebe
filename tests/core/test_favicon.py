"""Every page names its icon (a browser asks for /favicon.ico otherwise: a 404 per visit)."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/fr/", "/en/rights/", "/console/login/", "/fr/nulle-part/"])
def test_pages_link_the_icon_that_exists(client: Client, url: str) -> None:
    html = client.get(url).content.decode()
    assert '<link rel="icon" href="/static/core/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("core/favicon.svg")
