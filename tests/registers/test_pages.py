"""The registers' console pages in French and English: record a disclosure and an incident,
the records of processing as page, CSV and PDF, the conformance report as page and PDF."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from omni_privacy.audit.models import AuditChainHead, AuditEvent
from omni_privacy.audit.selectors import person_reads
from omni_privacy.conformance.models import ConformanceRun
from omni_privacy.conformance.runs import conformance_run
from omni_privacy.policy.loader import active_policy
from omni_privacy.registers.models import Disclosure, Incident
from tests.factories import StaffFactory
from tests.registers.conftest import NOW

pytestmark = pytest.mark.django_db
PAGES = ("disclosures", "incidents", "records", "conformance")


@pytest.fixture
def client(officer) -> Client:
    browser = Client()
    browser.force_login(officer)
    return browser


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_each_page_answers_in_both_languages(client, page, language) -> None:
    client.post("/console/language/", {"language": language})
    response = client.get(f"/console/registers/{page}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert ("Registres" if language == "fr" else "Registers") in html


def test_a_clerk_gets_403(persons) -> None:
    browser = Client()
    browser.force_login(StaffFactory(username="clerk"))
    for page in PAGES:
        assert browser.get(f"/console/registers/{page}/").status_code == 403


def test_a_disclosure_is_recorded_from_the_page(client, officer, persons) -> None:
    response = client.post(
        "/console/registers/disclosures/",
        {
            "requester_kind": "agency",
            "requester": "Revenu Québec",
            "ground": "legal_authority",
            "authority": "Loi sur l’administration fiscale, art. 39",
            "persons": "\n".join(str(p.public_id) for p in persons),
            "categories": ["full_name", "email"],
            "disclosed_on": "2026-11-20",
            "approver": officer.pk,
            "notice": "deferred",
            "notice_reason": "inquiry",
            "deferred_until": "2027-02-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    disclosure = Disclosure.objects.get()
    assert disclosure.persons.count() == 2
    page = client.get("/console/registers/disclosures/").content.decode()
    assert "Revenu Québec" in page
    # The register says who asked and on what ground in the reader's words, not codes.
    client.post("/console/language/", {"language": "fr"})
    page = client.get("/console/registers/disclosures/").content.decode()
    assert "Revenu Québec (organisme)" in page
    assert "Autorisation légale\u00a0: Loi sur l’administration fiscale" in page


def test_an_incomplete_disclosure_says_what_is_missing(client, officer, persons) -> None:
    response = client.post(
        "/console/registers/disclosures/",
        {
            "requester_kind": "court",
            "requester": "Cour supérieure",
            "ground": "legal_authority",
            "authority": "",
            "persons": str(persons[0].public_id),
            "categories": ["email"],
            "disclosed_on": "2026-11-20",
            "approver": officer.pk,
            "notice": "told",
        },
    )
    assert response.status_code == 400
    assert not Disclosure.objects.exists()


def test_an_incident_is_recorded_then_assessed_and_declared(client, officer, persons) -> None:
    response = client.post(
        "/console/registers/incidents/",
        {
            "kind": "loss",
            "description": "Adresses courriel",
            "circumstances": "Clé USB perdue",
            "occurred_from": "2026-11-23",
            "aware_at": "2026-11-24T09:30",
            "persons_count": "2",
            "eu_residents": "on",
            "persons": str(persons[0].public_id),
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.persons.count() == 1
    detail = f"/console/registers/incidents/{incident.public_id}/"
    page = client.get(detail).content.decode()
    assert "Perte ou autre atteinte à la protection" in page
    assert "Autorité RGPD (72 heures)" in page
    response = client.post(
        detail,
        {
            "action": "assess",
            "sensitivity": "high",
            "consequences": "hameçonnage",
            "likelihood": "medium",
            "officers": [officer.pk],
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.serious_risk is True
    declaration = client.get(detail + "cai/").content.decode()
    assert "Commission d’accès à l’information" in declaration
    assert "Clé USB perdue" in declaration
    assert "risque de préjudice sérieux" in declaration
    pdf = client.get(detail + "cai/", {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_the_records_of_processing_list_each_source_and_purpose(client) -> None:
    policy = active_policy()
    response = client.get("/console/registers/records/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    pairs = {(row["source"], row["purpose"]) for row in rows}
    assert {(s.id, p) for s in policy.sources.values() for p in s.purposes} <= pairs
    assert ("authentication_cookies", "session") in pairs
    assert ("usage_data", "diagnostics") in pairs
    page = client.get("/console/registers/records/").content.decode()
    assert "Témoins d’authentification" in page
    pdf = client.get("/console/registers/records/", {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF-")
    assert "records-of-processing-fr-" in pdf["Content-Disposition"]


def test_the_conformance_page_and_pdf_name_the_audit_head(client) -> None:
    page = client.get("/console/registers/conformance/", {"as_of": "2026-11-25"}).content.decode()
    head = AuditChainHead.objects.get(id=1)
    assert head.hash in page
    assert "§12" in page
    assert "non vérifié" in page  # §1 has no check: listed, not hidden
    pdf = client.get("/console/registers/conformance/", {"as_of": "2026-11-25", "format": "pdf"})
    assert pdf.content.startswith(b"%PDF-")
    assert "conformance-fr-2026-11-25.pdf" in pdf["Content-Disposition"]


def test_the_daily_run_raises_the_dashboard_alarm_on_the_first_failure(client, caplog) -> None:
    # One officer only: §12 fails.
    run, report = conformance_run(as_of=dt.date(2026, 11, 25), now=NOW)
    assert run.failed
    assert report.failed
    assert any(f["code"] == "two_officers" for f in run.failures)
    assert "conformance report failing" in caplog.text
    assert AuditEvent.objects.filter(action="conformance.run").count() == 1
    dashboard = client.get("/console/").content.decode()
    assert 'id="figure-conformance"' in dashboard
    caplog.clear()
    conformance_run(as_of=dt.date(2026, 11, 26), now=NOW + dt.timedelta(days=1))
    assert "conformance report failing" not in caplog.text  # the first failure only
    assert ConformanceRun.objects.count() == 2


def test_a_recorded_disclosure_has_its_package_exactly_as_released(client, officer, persons):
    client.post(
        "/console/registers/disclosures/",
        {
            "requester_kind": "court",
            "requester": "Cour supérieure",
            "ground": "legal_authority",
            "authority": "Ordonnance 500-17-000000-265",
            "persons": str(persons[0].public_id),
            "categories": ["email"],
            "disclosed_on": "2026-11-25",
            "approver": officer.pk,
            "notice": "told",
        },
    )
    disclosure = Disclosure.objects.get()
    assert len(disclosure.package_digest) == 64
    assert AuditEvent.objects.filter(action="disclosure.package").count() == 1
    response = client.get(f"/console/registers/disclosures/{disclosure.public_id}/package/")
    html = response.content.decode()
    assert "lea@example.com" in html
    assert "Camille" not in html  # the full name was not disclosed
    assert AuditEvent.objects.filter(action="disclosure.package_read").count() == 1
    # The package holds the person's data: a read of each person disclosed (issue 15 point 3).
    (read,) = person_reads(persons[0].public_id)
    assert (read.actor, read.payload) == (f"user:{officer.public_id}", {"via": "export"})


@pytest.mark.parametrize(
    ("path", "needle"),
    [("/fr/gouvernance", "Qui est responsable"), ("/en/governance", "Who is responsible")],
)
def test_the_public_governance_summary_sets_no_cookie(path, needle) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert needle in html
    assert "Commission d’accès à l’information" in html
    home = Client().get(path.rsplit("/", 1)[0] + "/").content.decode()
    assert path in home
