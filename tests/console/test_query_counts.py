"""The console's list pages make as many queries for three items as for one (issue 18 point 5,
pretalx's pattern): a page that queries once per row fails here before it slows down under a
million holdings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.console.conftest import TODAY, record
from tests.factories import RightsRequestFactory


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm what a first visit loads once per process (policy, labels)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _holdings(acme, count: int) -> None:
    for index in range(count):
        record(
            acme,
            source="customer_service",
            full_name=f"Personne {index}",
            email=f"compte{index}@example.com",
            collected_at=TODAY,
        )


def _requests(_acme, count: int) -> None:
    for index in range(count):
        RightsRequestFactory(email=f"demande{index}@example.com", received_on=TODAY)


PAGES: list[tuple[str, Callable[..., None]]] = [
    ("/console/", _holdings),
    ("/console/requests/", _requests),
    ("/console/retention/", _holdings),
]


@pytest.mark.parametrize(("url", "make"), PAGES, ids=[url for url, _make in PAGES])
def test_a_list_page_queries_the_same_for_one_and_three_items(
    client: Client, officer, acme, url: str, make: Callable[..., None]
) -> None:
    client.force_login(officer)
    make(acme, 1)
    one = _queries(client, url)
    make(acme, 2)
    three = _queries(client, url)
    assert three == one, f"{url}: {one} queries for one item, {three} for three"


def test_the_person_page_queries_the_same_for_one_and_three_holdings(
    client: Client, officer, acme
) -> None:
    client.force_login(officer)
    first = record(
        acme, source="customer_service", full_name="Léa Roy", email="lea@example.com",
        collected_at=TODAY,
    )  # fmt: skip
    url = f"/console/people/{first.person.public_id}/"
    one = _queries(client, url)
    for org, source in ((acme, "sales"), (acme, "administrative")):
        record(org, source=source, full_name="Léa Roy", email="lea@example.com", collected_at=TODAY)
    three = _queries(client, url)
    assert three == one, f"{one} queries for one holding, {three} for three"
