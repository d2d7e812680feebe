"""Who looked at a person (issue 15 point 3): every staff read of a person's data is recorded
(who, which person, when, through which page, nothing personal), and privacy officers see it
on the person page in words."""

from __future__ import annotations

import itertools
import json

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from omni_privacy.audit import triggers
from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.selectors import person_reads
from omni_privacy.audit.services import (
    audit_record,
    audit_verify,
    person_read_record,
    person_reads_record,
)
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


def _reads_of(person, count: int, user) -> None:
    person_reads_record(user=user, person_public_ids=[person.public_id], via="search")
    for _ in range(count - 1):
        person_read_record(user=user, person_public_id=person.public_id, via="api")


def test_the_audit_log_page_is_for_privacy_officers_only(
    client: Client, sales_user, service_user
) -> None:
    for user in (sales_user, service_user):
        client.force_login(user)
        response = client.get("/console/audit/")
        assert response.status_code == 403
        assert "console/403.html" in [t.name for t in response.templates]
    client.logout()
    assert client.get("/console/audit/").status_code == 302  # to the sign-in page


def test_the_audit_log_pages_newest_first_by_id_and_says_events_in_words(
    client: Client, officer, service_user, holdings
) -> None:
    camille = holdings["camille_service"].person
    _reads_of(camille, 60, service_user)
    newest = AuditEvent.objects.order_by("-sequence").first()
    assert newest is not None
    in_english(officer)
    client.force_login(officer)
    assert reverse("console:audit") == "/console/audit/"
    first = client.get("/console/audit/", {"object": str(camille.public_id)})
    html = first.content.decode()
    assert first.context["lines"][0].sequence == newest.sequence
    assert len(first.context["lines"]) == 50
    assert [line.sequence for line in first.context["lines"]] == list(
        range(newest.sequence, newest.sequence - 50, -1)
    )
    assert "<td>cleo.service</td>" in html  # a staff name, not user:<uuid>
    assert "<td>user:" not in html
    assert "read through the API" in html
    older = first.context["older"]
    assert older == f"?object={camille.public_id}&before={newest.sequence - 49}"
    assert "camille" not in older.lower()
    second = client.get("/console/audit/" + older)
    assert len(second.context["lines"]) == 10
    assert second.context["older"] == ""
    assert "saw them in a registry search" in second.content.decode()


def test_the_audit_log_filters_by_action_actor_and_days(
    client: Client, officer, service_user, holdings
) -> None:
    camille = holdings["camille_service"].person
    _reads_of(camille, 3, service_user)
    client.force_login(officer)
    page = client.get(
        "/console/audit/",
        {"action": "person.read", "actor": f"user:{service_user.public_id}",
         "since": "2026-11-25", "until": "2026-11-25"},
    )  # fmt: skip
    assert [line.object_id for line in page.context["lines"]] == [str(camille.public_id)] * 3
    assert client.get("/console/audit/", {"since": "2026-11-26"}).context["lines"] == []
    assert client.get("/console/audit/", {"action": "holding.recorded"}).context["lines"] != []
    refused = client.get("/console/audit/", {"object": "camille@example.com"})
    assert refused.context["lines"] == []
    assert refused.context["form"].errors["object"]


def test_verify_the_chain_says_the_result_in_words(client: Client, officer, holdings) -> None:
    in_english(officer)
    client.force_login(officer)
    html = client.post("/console/audit/").content.decode()
    count = AuditEvent.objects.count()
    assert f"The chain is intact: all {count} events match their hashes" in html
    triggers.remove(connection)  # an edit behind the triggers' back
    AuditEvent.objects.filter(sequence=2).update(actor="tampered")
    triggers.install(connection)
    html = client.post("/console/audit/").content.decode()
    assert "The chain is broken at event #2" in html


def test_the_person_page_shows_the_latest_50_reads_and_links_to_all(
    client: Client, officer, service_user, holdings
) -> None:
    camille = holdings["camille_service"].person
    _reads_of(camille, 60, service_user)
    client.force_login(officer)
    response = client.get(f"/console/people/{camille.public_id}/")
    assert len(response.context["reads"]) == 50
    assert f'href="/console/audit/?object={camille.public_id}"' in response.content.decode()


def test_the_audit_log_page_costs_the_same_queries_for_3_events_or_60(
    client: Client, officer, service_user, holdings
) -> None:
    camille = holdings["camille_service"].person
    client.force_login(officer)
    client.get("/console/audit/")  # the session's first request also writes the session
    counts = []
    for total in (3, 60):
        _reads_of(camille, total, service_user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/console/audit/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _csv(response) -> list[list[str]]:
    import csv
    import io

    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheets read the accents right
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_audit_log_exports_every_matching_event_as_csv_in_words(
    client: Client, officer, service_user, holdings
) -> None:
    camille = holdings["camille_service"].person
    _reads_of(camille, 60, service_user)
    in_english(officer)
    client.force_login(officer)
    page = client.get("/console/audit/", {"object": str(camille.public_id)}).content.decode()
    assert f'href="/console/audit/export.csv?object={camille.public_id}"' in page
    response = client.get("/console/audit/export.csv", {"object": str(camille.public_id)})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    header, *rows = _csv(response)
    assert header == ["Event", "When", "Who", "What", "Action code", "Object type", "Object id"]
    assert len(rows) == 60  # every event the filter matches, not one page of 50
    assert {row[2] for row in rows} == {"cleo.service"}
    assert {row[6] for row in rows} == {str(camille.public_id)}
    assert "read through the API" in {row[3] for row in rows}
    assert [int(row[0]) for row in rows] == sorted((int(row[0]) for row in rows), reverse=True)
    # The export is itself in the log, with its filters (an id, not a value).
    exported = AuditEvent.objects.order_by("-sequence").first()
    assert exported is not None
    assert (exported.action, exported.actor) == ("audit.exported", f"user:{officer.public_id}")
    assert exported.payload == {"filters": {"object": str(camille.public_id)}}


def test_the_audit_log_export_is_french_for_a_french_reader_and_defuses_formulas(
    client: Client, officer, service_user, holdings
) -> None:
    service_user.first_name, service_user.last_name = "=HYPERLINK(1)", ""
    service_user.save()
    _reads_of(holdings["camille_service"].person, 2, service_user)
    client.force_login(officer)
    response = client.get(
        "/console/audit/export.csv", {"actor": f"user:{service_user.public_id}"},
        HTTP_ACCEPT_LANGUAGE="fr-CA",
    )  # fmt: skip
    header, *rows = _csv(response)
    assert header[:4] == ["Événement", "Quand", "Qui", "Quoi"]
    assert {row[2] for row in rows} == {"'=HYPERLINK(1)"}


def test_the_audit_log_export_is_for_officers_and_refuses_a_bad_filter(
    client: Client, officer, sales_user
) -> None:
    client.force_login(sales_user)
    assert client.get("/console/audit/export.csv").status_code == 403
    client.force_login(officer)
    before = AuditEvent.objects.count()
    refused = client.get("/console/audit/export.csv", {"object": "camille@example.com"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["object"]
    assert AuditEvent.objects.count() == before  # nothing exported, nothing recorded
