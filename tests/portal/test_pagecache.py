"""The privacy centre and the notice are kept rendered (issue 18 point 5), and a kept page is
never stale: its key names what it depends on."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.notices.conftest import make_version

pytestmark = pytest.mark.django_db
NOTICE = "/fr/avis-de-confidentialite"


@pytest.fixture(autouse=True)
def clock_at():
    moment = dt.datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("America/Toronto"))
    with time_machine.travel(moment, tick=False) as traveller:
        yield traveller


def test_the_privacy_centre_is_rendered_once_and_keeps_its_headers(client: Client) -> None:
    first = client.get("/fr/")
    assert [t.name for t in first.templates][:1] == ["portal/home.html"]
    again = client.get("/fr/")
    assert again.templates == []  # kept: no template rendered
    assert again.content == first.content
    assert "default-src 'self'" in again["Content-Security-Policy"]
    assert again["X-Frame-Options"] == "DENY"
    assert again.cookies == {}
    english = client.get("/en/")
    assert english.templates != []  # another language, another page
    assert b'lang="en"' in english.content


def test_the_notice_page_changes_as_soon_as_a_version_is_published(client: Client) -> None:
    make_version(1, dt.date(2023, 1, 1))
    first = client.get(NOTICE).content.decode()
    assert client.get(NOTICE).templates == []
    make_version(2, dt.date(2024, 2, 8))
    second = client.get(NOTICE)
    assert second.templates != []
    assert second.content.decode() != first
    assert "Version 2" in second.content.decode()


def test_a_version_comes_into_force_on_its_day_not_a_day_late(client: Client, clock_at) -> None:
    make_version(1, dt.date(2023, 1, 1))
    make_version(2, dt.date(2026, 11, 26))  # published ahead of its day
    before = client.get(NOTICE).content.decode()
    clock_at.move_to(dt.datetime(2026, 11, 26, 12, 0, tzinfo=ZoneInfo("America/Toronto")))
    after = client.get(NOTICE).content.decode()
    assert after != before


def test_a_query_string_is_never_served_from_what_is_kept(client: Client) -> None:
    make_version(1, dt.date(2023, 1, 1))
    make_version(2, dt.date(2024, 2, 8))
    client.get(NOTICE)
    compared = client.get(NOTICE, {"from": "1", "to": "2"})
    assert compared.templates != []
