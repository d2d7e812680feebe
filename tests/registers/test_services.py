"""Each register's service writes its record and its audit event in one transaction; an
incomplete record is refused and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.errors import InvalidInputError, Refused
from omni_privacy.outbox.models import OutboxMessage
from omni_privacy.registers import services
from omni_privacy.registers.domain.incidents import RiskFacts
from omni_privacy.registers.models import Disclosure, Incident, IncidentNotice
from omni_privacy.registers.reminders import incident_reminders
from omni_privacy.registers.selectors import incident_alarms, person_disclosures
from tests.factories import StaffFactory
from tests.registers.conftest import NOW

pytestmark = pytest.mark.django_db


def _disclosure(**changes):
    base = {
        "requester_kind": "court",
        "requester": "Cour du Québec, district de Montréal",
        "ground": "legal_authority",
        "authority": "Ordonnance 500-22-000000-261",
        "categories": ("full_name", "email"),
        "disclosed_on": dt.date(2026, 11, 20),
        "notice": "told",
    }
    return services.DisclosureInput(**(base | changes))


def test_a_disclosure_is_recorded_with_its_audit_event(officer, persons) -> None:
    disclosure = services.disclosure_record(
        actor=officer, data=_disclosure(), persons=persons, approver=officer, at=NOW
    )
    event = AuditEvent.objects.get(action="disclosure.recorded")
    assert event.object_id == str(disclosure.public_id)
    assert event.payload["persons"] == 2
    assert event.payload["ground"] == "legal_authority"
    assert "Cour" not in str(event.payload)
    assert set(disclosure.persons.all()) == set(persons)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ground": "curiosity"}, "ground"),
        ({"authority": ""}, "authority"),
        ({"categories": ("shoe_size",)}, "categories"),
        ({"notice": "deferred", "notice_reason": "inquiry"}, "deferred_until"),
        ({"notice": "withheld"}, "notice_reason"),
        ({"requester_kind": "neighbour"}, "requester_kind"),
    ],
)
def test_an_incomplete_disclosure_is_refused(officer, persons, changes, field) -> None:
    with pytest.raises(InvalidInputError) as refused:
        services.disclosure_record(
            actor=officer, data=_disclosure(**changes), persons=persons, approver=officer, at=NOW
        )
    assert field in {problem.field for problem in refused.value.errors}
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="disclosure.recorded").exists()


def test_the_approver_must_hold_a_current_delegation(officer, persons) -> None:
    other = StaffFactory(officer=True, username="no-delegation")
    with pytest.raises(InvalidInputError) as refused:
        services.disclosure_record(
            actor=officer, data=_disclosure(), persons=persons, approver=other, at=NOW
        )
    assert "approver" in {problem.field for problem in refused.value.errors}


def test_only_a_privacy_officer_records(persons) -> None:
    clerk = StaffFactory(username="clerk")
    with pytest.raises(PermissionError):
        services.disclosure_record(
            actor=clerk, data=_disclosure(), persons=persons, approver=clerk, at=NOW
        )


def test_the_access_report_lists_what_the_law_lets_the_person_see(officer, persons) -> None:
    services.disclosure_record(
        actor=officer, data=_disclosure(), persons=persons[:1], approver=officer, at=NOW
    )
    services.disclosure_record(
        actor=officer,
        data=_disclosure(
            notice="deferred", notice_reason="inquiry", deferred_until=dt.date(2027, 1, 1)
        ),
        persons=persons[:1],
        approver=officer,
        at=NOW,
    )
    services.disclosure_record(
        actor=officer,
        data=_disclosure(notice="withheld", notice_reason="sealed order"),
        persons=persons[:1],
        approver=officer,
        at=NOW,
    )
    assert len(person_disclosures(persons[0], today=dt.date(2026, 12, 1))) == 1
    assert len(person_disclosures(persons[0], today=dt.date(2027, 1, 1))) == 2
    assert person_disclosures(persons[1], today=dt.date(2027, 1, 1)) == []


def _incident(officer, persons, **changes):
    base = {
        "kind": "access",
        "description": "Noms et adresses courriel",
        "circumstances": "Un portable non chiffré a été volé.",
        "occurred_from": dt.date(2026, 11, 24),
        "aware_at": NOW,
        "persons_count": 2,
        "eu_residents": True,
    }
    return services.incident_record(
        actor=officer, data=services.IncidentInput(**(base | changes)), persons=persons, at=NOW
    )


def test_an_incident_is_recorded_assessed_and_updated_with_audit_events(officer, persons) -> None:
    incident = _incident(officer, persons)
    assert incident.kept_until == dt.date(2031, 11, 25)
    services.incident_assess(
        actor=officer,
        incident=incident,
        risk=RiskFacts("medium", "hameçonnage", "high", officers_consulted=1),
        officers=[officer],
        at=NOW,
    )
    incident.refresh_from_db()
    assert incident.serious_risk is True
    services.incident_update(
        actor=officer,
        incident=incident,
        at=NOW,
        cai_notified_at=NOW,
        measures="Mots de passe changés.",
    )
    actions = list(
        AuditEvent.objects.filter(object_id=str(incident.public_id)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["incident.recorded", "incident.assessed", "incident.updated"]
    assert "portable" not in str(AuditEvent.objects.values_list("payload", flat=True))


def test_an_incident_without_description_or_reason_is_refused(officer, persons) -> None:
    with pytest.raises(InvalidInputError) as refused:
        _incident(officer, persons, description="")
    assert {problem.field for problem in refused.value.errors} == {"description"}
    assert not Incident.objects.exists()
    incident = _incident(officer, persons, description="", description_unknown_reason="enquête")
    assert incident.description_unknown_reason == "enquête"


def test_persons_are_told_in_their_language_through_the_outbox(officer, persons) -> None:
    incident = _incident(officer, persons)
    with pytest.raises(Refused):
        services.incident_persons_notify(actor=officer, incident=incident, at=NOW)
    services.incident_assess(
        actor=officer,
        incident=incident,
        risk=RiskFacts("high", "usurpation", "medium", officers_consulted=1),
        officers=[officer],
        at=NOW,
    )
    assert services.incident_persons_notify(actor=officer, incident=incident, at=NOW) == 2
    by_language = {m.language: m for m in OutboxMessage.objects.filter(kind="incident.notice")}
    assert set(by_language) == {"fr", "en"}
    french, english = by_language["fr"].body_text, by_language["en"].body_text
    # Regulation s.5: information concerned, circumstances, date, measures, advice, contact.
    for needle in (
        "Noms et adresses courriel",
        "portable",
        "2026-11-24",
        "info@omni-assistant.net",
    ):
        assert needle in french
    assert "What you can do" in english
    assert "Ce que vous pouvez faire" in french
    assert IncidentNotice.objects.filter(incident=incident).count() == 2
    assert AuditEvent.objects.filter(action="incident.persons_notified").count() == 1
    with pytest.raises(Refused):
        services.incident_persons_notify(actor=officer, incident=incident, at=NOW)


def test_reminders_and_alarms_follow_the_clocks(officer, persons) -> None:
    _incident(officer, persons)
    assert incident_alarms(now=NOW)["overdue"] == 0
    assert incident_reminders(now=NOW) == 0
    soon = NOW + dt.timedelta(hours=50)
    assert incident_alarms(now=soon)["due_soon"] == 1
    assert incident_reminders(now=soon) == 1
    assert incident_reminders(now=soon) == 0  # once per clock and state
    late = NOW + dt.timedelta(hours=73)
    assert incident_alarms(now=late)["overdue"] == 1
    assert incident_reminders(now=late) == 1
    reminders = OutboxMessage.objects.filter(kind="incident.reminder")
    assert reminders.count() == 2
    with translation.override("fr"):
        assert "en retard" in reminders.last().body_text


def test_the_access_report_template_lists_the_visible_disclosures(officer, persons) -> None:
    from django.template.loader import render_to_string

    services.disclosure_record(
        actor=officer, data=_disclosure(), persons=persons[:1], approver=officer, at=NOW
    )
    with translation.override("en"):
        html = render_to_string(
            "dsr/access_report.html",
            {
                "language": "en",
                "holdings": [],
                "disclosures": person_disclosures(persons[0], today=dt.date(2026, 12, 1)),
            },
        )
    assert "Disclosures of your information without your consent" in html
    assert "Cour du Québec, district de Montréal" in html
