"""The live conformance report (issue 16 point 6): each clause's checks from the data, a
failure when the data breaks a clause, unchecked clauses listed, French and English."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from omni_privacy.accounts.models import Team, User
from omni_privacy.accounts.services import privacy_officer_delegate
from omni_privacy.conformance.report import (
    FAIL,
    PASS,
    UNCHECKED,
    WARN,
    check_words,
    conformance_report,
)
from omni_privacy.registry.models import Holding
from omni_privacy.transfers.services import recipient_assess, recipient_register
from tests.dsr.conftest import people  # noqa: F401 - a registry with three holdings

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)


def _officers(count: int) -> None:
    for index in range(count):
        user = User.objects.create_user(
            username=f"officer{index}", password="x" * 20, team=Team.PRIVACY_OFFICE
        )
        privacy_officer_delegate(
            user=user,
            valid_from=dt.date(2024, 1, 1),
            document="D-1",
            actor="test",
            at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        )


def _outcome(report, code: str, clause: str | None = None) -> str:
    (check,) = [
        c for c in report.checks if c.code == code and (clause is None or c.clause == clause)
    ]
    return check.outcome


def test_each_clause_is_checked_or_listed_as_unchecked(people) -> None:  # noqa: F811
    _officers(2)
    report = conformance_report(as_of=TODAY)
    assert _outcome(report, "two_officers") == PASS
    assert _outcome(report, "retention_rule", "§4 ¶3") == PASS
    assert _outcome(report, "requests_on_time") == PASS
    tops = {check.clause.split()[0].split(".")[0] for check in report.checks}
    assert _outcome(report, "incidents_on_time") == PASS
    assert _outcome(report, "disclosures_deferred") == PASS
    assert _outcome(report, "recipients_current") == PASS  # §6 is checked (no recipient yet)
    assert {"§1", "§10", "§11"} <= {c.clause for c in report.checks if c.outcome == UNCHECKED}
    assert "§12" in tops


def test_a_holding_past_its_deadline_and_a_missing_officer_fail(people) -> None:  # noqa: F811
    _officers(1)
    sales = Holding.objects.filter(source="sales").first()
    Holding.objects.filter(pk=sales.pk).update(
        due_at=TODAY - dt.timedelta(days=90), deadline_at=TODAY - dt.timedelta(days=30)
    )
    report = conformance_report(as_of=TODAY)
    assert report.failed
    assert _outcome(report, "two_officers") == FAIL
    failing = [c for c in report.checks if c.outcome == FAIL and c.code == "retention_rule"]
    assert [c.params["count"] for c in failing] == [1]
    with translation.override("fr"):
        said = check_words(failing[0])
    # The rule in words from the policy file, in the reader's language; its id stays in params.
    assert said == (
        "1 fiche sous la règle « 5 ans après le dernier contact, puis supprimé ou anonymisé dans "
        "les 60 jours » est conservée au-delà de son échéance"
    )
    with translation.override("en"):
        said = check_words(failing[0])
    assert said == (
        "1 holding under rule “5 years after the last contact, then deleted or anonymized within "
        "60 days” is kept past its deadline"
    )
    assert failing[0].params["rule"] == "sales_last_contact"


def test_the_command_prints_json_and_exits_1_on_a_failure(people, capsys) -> None:  # noqa: F811
    with pytest.raises(SystemExit) as exit_:
        call_command("conformance", "--as-of", "2026-11-25", "--json")
    assert exit_.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["failed"] is True
    officers = [c for c in out["checks"] if c["code"] == "two_officers"]
    assert officers[0]["outcome"] == "fail"


def test_an_instance_never_synced_is_a_warning_as_on_the_dashboard(people) -> None:  # noqa: F811
    from omni_privacy.registry.models import Organization
    from omni_privacy.registry.services import instance_create

    instance_create(
        actor="test",
        organization=Organization.objects.first(),
        code="acme-prod",
        export_url="",
        token=None,
    )
    report = conformance_report(as_of=TODAY)
    assert _outcome(report, "instances_fresh") == PASS  # registered today: not 31 days yet
    assert _outcome(report, "instances_never") == "warn"
    (check,) = [c for c in report.checks if c.code == "instances_never"]
    with translation.override("fr"):
        assert check_words(check).startswith("1 instance client n’a jamais été synchronisée")


def test_an_incident_past_its_clock_fails_section_8_until_notified(people) -> None:  # noqa: F811
    from omni_privacy.registers import services

    _officers(2)
    officer = User.objects.get(username="officer0")
    incident = services.incident_record(
        actor=officer,
        data=services.IncidentInput(
            kind="loss",
            description="courriels",
            circumstances="clé perdue",
            occurred_from=dt.date(2026, 11, 20),
            aware_at=dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC),
            persons_count=3,
        ),
        at=dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC),
    )
    assert _outcome(conformance_report(as_of=dt.date(2026, 11, 22)), "incidents_on_time") == PASS
    assert _outcome(conformance_report(as_of=TODAY), "incidents_on_time") == FAIL
    notified = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    services.incident_update(
        actor=officer,
        incident=incident,
        at=notified,
        cai_notified_at=notified,
        no_notice_reason="",
    )
    services.incident_assess(
        actor=officer,
        incident=incident,
        risk=services.incident_rules.RiskFacts("low", "aucune", "low", officers_consulted=1),
        officers=[officer],
        at=notified,
    )
    assert _outcome(conformance_report(as_of=TODAY), "incidents_on_time") == PASS


def test_a_recipient_without_a_current_assessment_is_a_warning_under_section_6(db) -> None:
    _officers(1)
    officer = User.objects.get(username="officer0")
    relay = recipient_register(
        actor="test", kind="mail_relay", key="relay", name="Relais", jurisdiction="Québec"
    )
    report = conformance_report(as_of=TODAY)
    assert _outcome(report, "recipients_current") == WARN
    assert not [c for c in report.checks if c.outcome == FAIL and c.clause == "§6"]  # refused flows
    (check,) = [c for c in report.checks if c.code == "recipients_current"]
    with translation.override("fr"):
        said = check_words(check)
    assert said.startswith("1 destinataire n’a pas d’évaluation à jour")
    assert "Relais" in said
    assert "mail_relay" not in said
    recipient_assess(
        user=officer,
        recipient=relay,
        sensitivity="faible",
        purposes="envoi des courriels",
        protection_measures="TLS, contrat",
        legal_framework="Québec",
        conclusion="adequate",
        agreement_reference="A-1",
        agreement_date=dt.date(2026, 1, 1),
        reassess_on=dt.date(2027, 1, 1),
        today=TODAY,
    )
    assert _outcome(conformance_report(as_of=TODAY), "recipients_current") == PASS
    # Past its re-assessment day, the assessment no longer holds.
    assert _outcome(conformance_report(as_of=dt.date(2027, 1, 2)), "recipients_current") == WARN
