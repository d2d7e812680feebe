"""Legal holds: a privacy officer keeps data past its due day; the sweep skips and reports it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from omni_privacy.accounts.models import Team, User
from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Holding, Organization
from omni_privacy.retention.holds import legal_hold_place, legal_hold_release
from omni_privacy.retention.models import RetentionRun
from omni_privacy.retention.services import retention_run
from tests.retention.factory import ACTOR, DAY, TODAY, live, organization, record

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 25)
NOON = dt.datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("America/Toronto"))
ENDED = Interval(dt.date(2020, 1, 1), dt.date(2026, 6, 30))  # not renewed on 2026-07-01


@pytest.fixture(autouse=True)
def _on_the_day():
    """Holds are placed and released on the day the runs act for (a hold is in force from the
    moment it is placed: see test_hold_times.py)."""
    with time_machine.travel(NOON, tick=False):
        yield


def service(org: Organization, email: str) -> Holding:
    return record(org, "customer_service", email, collected_at=dt.date(2025, 6, 2))


def receipt(report) -> dict:
    return AuditEvent.objects.get(
        action="retention.sweep.receipt", object_id=str(report.run_id)
    ).payload


@pytest.fixture
def two_orgs() -> dict[str, Holding]:
    acme = organization("acme", ENDED)
    boreal = organization("boreal", ENDED)
    return {
        "acme_1": service(acme, "ana@example.com"),
        "acme_2": service(acme, "ben@example.com"),
        "boreal": service(boreal, "cy@example.org"),
    }


@pytest.mark.parametrize("team", [Team.CUSTOMER_SERVICE, Team.SALES, Team.ADMINISTRATION])
def test_only_a_privacy_officer_may_place_a_hold(team: str, two_orgs) -> None:
    user = User.objects.create_user(username="someone", team=team)
    with pytest.raises(InvalidInputError) as refused:
        legal_hold_place(
            user=user,
            reason="Litigation 2026-117",
            organization=two_orgs["acme_1"].organization,
            today=TODAY,
        )
    assert [error.field for error in refused.value.errors] == ["placed_by"]
    assert not AuditEvent.objects.filter(action="legal_hold.placed").exists()


def test_bad_holds_are_refused_naming_each_field(officer, two_orgs) -> None:
    holding = two_orgs["acme_1"]
    with pytest.raises(InvalidInputError) as refused:
        legal_hold_place(
            user=officer,
            reason="  ",
            organization=holding.organization,
            person=holding.person,
            until=TODAY - DAY,
            today=TODAY,
        )
    assert [error.field for error in refused.value.errors] == ["target", "reason", "until"]


def test_an_organisation_hold_skips_its_due_holdings_and_only_its_own(officer, two_orgs) -> None:
    acme = two_orgs["acme_1"].organization
    hold = legal_hold_place(
        user=officer, reason="Litigation 2026-117", organization=acme, today=TODAY
    )

    report = retention_run(actor=ACTOR, as_of=AS_OF)

    assert report.counts == {"service_not_renewed": {"anonymize": 1}}
    assert report.held == {"service_not_renewed": 2}
    assert report.holds == [str(hold.public_id)]
    assert live(two_orgs["boreal"]) is None  # anonymised: only unlinked facts remain
    assert [live(two_orgs[key])["state"] for key in ("acme_1", "acme_2")] == ["active", "active"]
    payload = receipt(report)
    assert payload["clauses"] == {
        "service_not_renewed": {"clause": "§4 ¶2", "delete": 0, "anonymize": 1, "held": 2}
    }
    assert payload["holds"] == [str(hold.public_id)]
    assert RetentionRun.objects.get(public_id=report.run_id).held == {"service_not_renewed": 2}

    released = legal_hold_release(user=officer, hold=hold)
    assert released.released_by == officer
    after = retention_run(actor=ACTOR, as_of=AS_OF)
    assert (after.counts, after.held, after.holds) == (
        {"service_not_renewed": {"anonymize": 2}},
        {},
        [],
    )
    assert [live(two_orgs[key]) for key in ("acme_1", "acme_2")] == [None, None]


def test_a_person_hold_covers_that_person_in_every_organisation(officer) -> None:
    acme, boreal = organization("acme", ENDED), organization("boreal", ENDED)
    held = [service(acme, "ana@example.com"), service(boreal, "ana@example.com")]
    other = service(acme, "ben@example.com")
    person = held[0].person
    assert person is not None
    assert held[1].person_id == person.pk
    hold = legal_hold_place(user=officer, reason="Authority request", person=person, today=TODAY)

    report = retention_run(actor=ACTOR, as_of=AS_OF)

    assert (report.processed, report.held) == (1, {"service_not_renewed": 2})
    assert live(other) is None
    assert [live(holding)["state"] for holding in held] == ["active", "active"]

    # Released, the person is erased; the hold stays on record without pointing to them.
    legal_hold_release(user=officer, hold=hold)
    after = retention_run(actor=ACTOR, as_of=AS_OF)
    assert (after.processed, after.people_erased, after.held) == (2, 1, {})
    hold.refresh_from_db()
    assert (hold.person_id, hold.released_by) == (None, officer)


def test_a_hold_ends_after_its_until_day(officer, two_orgs) -> None:
    acme = two_orgs["acme_1"].organization
    last_day = dt.date(2026, 12, 15)
    legal_hold_place(
        user=officer, reason="Claim period", organization=acme, until=last_day, today=TODAY
    )

    on_last_day = retention_run(actor=ACTOR, as_of=last_day)
    assert (on_last_day.processed, on_last_day.held) == (1, {"service_not_renewed": 2})

    next_day = retention_run(actor=ACTOR, as_of=last_day + DAY)
    assert (next_day.processed, next_day.held, next_day.holds) == (2, {}, [])
    assert Holding.objects.filter(state="active").count() == 0


def test_release_is_for_privacy_officers_and_happens_once(officer, two_orgs) -> None:
    acme = two_orgs["acme_1"].organization
    hold = legal_hold_place(user=officer, reason="Litigation", organization=acme, today=TODAY)
    sales = User.objects.create_user(username="sam.sales", team=Team.SALES)
    with pytest.raises(InvalidInputError) as refused:
        legal_hold_release(user=sales, hold=hold)
    assert [error.field for error in refused.value.errors] == ["released_by"]

    legal_hold_release(user=officer, hold=hold)
    with pytest.raises(InvalidInputError) as again:
        legal_hold_release(user=officer, hold=hold)
    assert [error.field for error in again.value.errors] == ["hold"]
    assert list(
        AuditEvent.objects.filter(object_id=str(hold.public_id)).values_list("action", flat=True)
    ) == ["legal_hold.placed", "legal_hold.released"]


def test_a_dry_run_reports_held_holdings_too(officer, two_orgs) -> None:
    acme = two_orgs["acme_1"].organization
    legal_hold_place(user=officer, reason="Litigation", organization=acme, today=TODAY)
    plan = retention_run(actor=ACTOR, as_of=AS_OF, dry_run=True)
    assert (plan.processed, plan.counts, plan.held) == (
        1,
        {"service_not_renewed": {"anonymize": 1}},
        {"service_not_renewed": 2},
    )
