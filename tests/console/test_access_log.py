"""Who looked at a person (issue 15 point 3): every staff read of a person's data is recorded
(who, which person, when, through which page, nothing personal), and privacy officers see it
on the person page in words."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from omni_privacy.audit.selectors import person_reads
from tests.console.test_views import in_english

pytestmark = pytest.mark.django_db


def test_a_person_page_read_is_recorded_and_shown_to_officers(
    client: Client, service_user, officer, holdings
) -> None:
    person = holdings["camille_service"].person
    page = f"/console/people/{person.public_id}/"
    client.force_login(service_user)
    assert client.get(page).status_code == 200
    (read,) = person_reads(person.public_id)
    assert (read.actor, read.object_id, read.payload) == (
        f"user:{service_user.public_id}",
        str(person.public_id),
        {"via": "person_page"},
    )
    assert "camille" not in json.dumps(read.payload).lower()

    in_english(officer)
    client.force_login(officer)
    html = client.get(page).content.decode()
    assert "Who looked at this person" in html
    assert service_user.get_username() in html or service_user.get_full_name() in html
    assert "opened the person page" in html
    assert len(person_reads(person.public_id)) == 2  # the officer's own read counts too


def test_a_page_the_user_may_not_see_records_no_read(
    client: Client, service_user, holdings
) -> None:
    stranger = holdings["jordan_sales"].person  # sales data only: customer service sees nothing
    client.force_login(service_user)
    assert client.get(f"/console/people/{stranger.public_id}/").status_code == 404
    assert person_reads(stranger.public_id) == []
