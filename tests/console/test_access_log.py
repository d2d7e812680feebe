"""Who looked at a person (issue 15 point 3): every staff read of a person's data is recorded
(who, which person, when, through which page, nothing personal), and privacy officers see it
on the person page in words."""

from __future__ import annotations

import itertools
import json

import pytest
from django.db import transaction
from django.test import Client

from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.selectors import person_reads
from omni_privacy.audit.services import audit_record, audit_verify, person_reads_record
from omni_privacy.core import clock
from omni_privacy.dsr.services import dsr_request_submit, dsr_request_verify_by_phone
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


def test_a_registry_search_records_one_read_per_person_shown(
    client: Client, sales_user, holdings
) -> None:
    camille = holdings["camille_sales"].person
    alex = holdings["alex_sales"].person
    jordan = holdings["jordan_sales"].person
    client.force_login(sales_user)
    before = AuditEvent.objects.count()
    html = client.post("/console/", {"q": "acme"}).content.decode()
    assert "Camille Tremblay" in html
    assert "Alex Roy" in html
    reads = AuditEvent.objects.filter(action="person.read", payload__via="search")
    assert sorted(event.object_id for event in reads) == sorted(
        [str(camille.public_id), str(alex.public_id)]
    )
    assert {event.actor for event in reads} == {f"user:{sales_user.public_id}"}
    assert person_reads(jordan.public_id) == []  # not in the results: not read
    assert AuditEvent.objects.count() == before + 2
    assert audit_verify() == (AuditEvent.objects.count(), None)


def test_plain_browsing_records_no_search_read(client: Client, sales_user, holdings) -> None:
    client.force_login(sales_user)
    assert client.get("/console/").status_code == 200
    assert not AuditEvent.objects.filter(payload__via="search").exists()


def test_bulk_reads_keep_the_chain_as_one_at_a_time_would(officer, holdings) -> None:
    people = [holding.person.public_id for holding in holdings.values()]
    with transaction.atomic():
        audit_record(actor="system", action="test.before", object_type="t", object_id="1")
    twice = people + people[:1]
    recorded = person_reads_record(user=officer, person_public_ids=twice, via="search")
    assert recorded == 4  # five holdings, four people (Camille twice); a repeat is one read
    with transaction.atomic():
        audit_record(actor="system", action="test.after", object_type="t", object_id="2")
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [event.sequence for event in events] == list(range(1, len(events) + 1))
    assert all(b.previous_hash == a.hash for a, b in itertools.pairwise(events))
    assert audit_verify() == (len(events), None)
    assert person_reads_record(user=officer, person_public_ids=[], via="search") == 0


def test_a_rights_request_case_records_a_read_of_its_person_for_that_request(
    client: Client, officer, holdings
) -> None:
    camille = holdings["camille_service"].person
    rights = dsr_request_submit(
        kind="access",
        email="camille@example.com",
        language="fr",
        jurisdiction="quebec",
        now=clock.now(),
        received_on=clock.today(),
    )
    rights = dsr_request_verify_by_phone(request=rights, user=officer, now=clock.now())
    assert rights.person == camille
    client.force_login(officer)
    assert client.get(f"/console/requests/{rights.public_id}/").status_code == 200
    (read,) = person_reads(camille.public_id)
    assert read.payload == {"via": "rights_request", "reason": str(rights.public_id)}
