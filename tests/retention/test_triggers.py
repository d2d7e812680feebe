"""Each retention clause end to end through `retention_run` (notice §4-§5).

A holding is due at trigger + the rule's period (policy omni-QAC-REC-004-v2.toml, evaluated by
policy/domain/retention.py); the run of the due day acts, the run of the day before does
not; the 60 days (max_delay_days) are the outer limit, not a waiting period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Holding, Person
from omni_privacy.retention.models import AnonymisedFact
from omni_privacy.retention.services import retention_run
from tests.retention.factory import (
    ACTOR,
    DAY,
    live,
    organization,
    record,
    registry_dump,
    request_erasure,
)

pytestmark = pytest.mark.django_db

START = dt.date(2020, 1, 1)


@dataclass(frozen=True)
class Case:
    holding: Holding
    rule: str
    action: str
    due_at: dt.date
    deadline_at: dt.date | None = None
    """Where it is not due + 60 days: non-renewal clocks count from the last subscribed day."""


def role_removed() -> Case:
    """§4 ¶1: the monthly sync shows the roles withdrawn on 2026-03-10."""
    acme = organization("acme", Interval(START))
    record(acme, "software_profile", "ines@example.com", collected_at=dt.date(2025, 1, 5))
    removed = dt.date(2026, 3, 10)
    holding = record(
        acme,
        "software_profile",
        "ines@example.com",
        collected_at=dt.date(2025, 1, 5),
        roles=(),
        role_removed_at=removed,
    )
    return Case(holding, "profile_role_removed", "delete", removed)


def profile_not_renewed() -> Case:
    """§3 ¶1, §4 ¶2: last subscription ended 2026-06-30, not renewed on 2026-07-01."""
    acme = organization("acme", Interval(START, dt.date(2026, 6, 30)))
    holding = record(acme, "software_profile", "ines@example.com", collected_at=dt.date(2025, 1, 5))
    return Case(
        holding,
        "profile_subscription_not_renewed",
        "delete",
        dt.date(2026, 7, 1),
        deadline_at=dt.date(2026, 8, 29),
    )


def service_not_renewed() -> Case:
    """§4 ¶2: customer-service data of an organisation that did not renew: anonymised."""
    acme = organization("acme", Interval(START, dt.date(2026, 6, 30)))
    holding = record(
        acme,
        "customer_service",
        "ines@example.com",
        collected_at=dt.date(2025, 6, 2),
        phone="514 555 0100",
    )
    return Case(
        holding, "service_not_renewed", "anonymize", dt.date(2026, 7, 1), dt.date(2026, 8, 29)
    )


def sales_last_contact() -> Case:
    """§4 ¶3: five years after the last contact (here the first and only one)."""
    prospect = organization("prospect")
    holding = record(prospect, "sales", "ines@example.com", collected_at=dt.date(2021, 8, 2))
    return Case(holding, "sales_last_contact", "anonymize", dt.date(2026, 8, 2))


def sales_erasure_request() -> Case:
    """§4 ¶3, §5: a person of a non-subscribed organisation asks for deletion on 2026-09-15."""
    prospect = organization("prospect")
    holding = record(prospect, "sales", "ines@example.com", collected_at=dt.date(2025, 2, 3))
    assert holding.person is not None
    request_erasure(holding.person, dt.date(2026, 9, 15))
    holding.refresh_from_db()
    return Case(holding, "sales_erasure_request", "delete", dt.date(2026, 9, 15))


def administrative_not_renewed() -> Case:
    """§4 ¶4: five years after the non-renewal, counted from the last subscribed day
    (2021-04-30), as the sales clock counts from the last contact (docs/retention.md)."""
    acme = organization("acme", Interval(dt.date(2018, 1, 1), dt.date(2021, 4, 30)))
    holding = record(acme, "administrative", "ines@example.com", collected_at=dt.date(2019, 3, 1))
    return Case(holding, "administrative_not_renewed", "anonymize", dt.date(2026, 4, 30))


CASES: dict[str, Callable[[], Case]] = {
    "profile_role_removed": role_removed,
    "profile_subscription_not_renewed": profile_not_renewed,
    "service_not_renewed": service_not_renewed,
    "sales_last_contact": sales_last_contact,
    "sales_erasure_request": sales_erasure_request,
    "administrative_not_renewed": administrative_not_renewed,
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_the_run_of_the_due_day_acts_and_the_day_before_does_not(rule: str) -> None:
    case = CASES[rule]()
    before = live(case.holding)
    assert before is not None
    assert (before["retention_rule"], before["retention_action"], before["due_at"]) == (
        case.rule,
        case.action,
        case.due_at,
    )
    assert before["deadline_at"] == (case.deadline_at or case.due_at + dt.timedelta(days=60))

    early = retention_run(actor=ACTOR, as_of=case.due_at - DAY)
    assert (early.processed, early.counts) == (0, {})
    assert live(case.holding) == before

    report = retention_run(actor=ACTOR, as_of=case.due_at)
    assert (report.processed, report.counts) == (1, {case.rule: {case.action: 1}})
    assert report.people_erased == 1
    assert Person.objects.count() == 0
    # Deleted or anonymised, the holding row is gone; anonymising leaves one unlinked fact.
    assert live(case.holding) is None
    assert Holding.objects.count() == 0
    facts = AnonymisedFact.objects.values_list("source", "retention_rule")
    expected = [] if case.action == "delete" else [(before["source"], case.rule)]
    assert list(facts) == expected


def test_a_new_contact_restarts_the_five_year_clock() -> None:
    """§4 ¶3 counts from the *last* contact: a contact on 2024-05-06 moves the due day from
    2026-08-02 to 2029-05-06."""
    case = sales_last_contact()
    prospect = case.holding.organization
    again = record(prospect, "sales", "ines@example.com", collected_at=dt.date(2024, 5, 6))
    assert again.pk == case.holding.pk
    assert (again.last_contact_at, again.due_at) == (dt.date(2024, 5, 6), dt.date(2029, 5, 6))
    before = live(case.holding)

    assert retention_run(actor=ACTOR, as_of=case.due_at).processed == 0
    assert retention_run(actor=ACTOR, as_of=dt.date(2029, 5, 5)).processed == 0
    assert live(case.holding) == before

    report = retention_run(actor=ACTOR, as_of=dt.date(2029, 5, 6))
    assert report.counts == {"sales_last_contact": {"anonymize": 1}}


def test_a_renewal_before_the_due_day_postpones_it() -> None:
    """§4 ¶2: renewed on 2026-06-20 for a year; non-renewal moves to 2027-07-01."""
    case = service_not_renewed()
    organization(
        "acme",
        Interval(START, dt.date(2026, 6, 30)),
        Interval(dt.date(2026, 7, 1), dt.date(2027, 6, 30)),
        as_of=dt.date(2026, 6, 20),
    )
    before = live(case.holding)
    assert before is not None
    assert (before["retention_rule"], before["due_at"]) == (
        "service_not_renewed",
        dt.date(2027, 7, 1),
    )

    assert retention_run(actor=ACTOR, as_of=case.due_at).processed == 0
    assert retention_run(actor=ACTOR, as_of=dt.date(2027, 6, 30)).processed == 0
    assert live(case.holding) == before

    report = retention_run(actor=ACTOR, as_of=dt.date(2027, 7, 1))
    assert report.counts == {"service_not_renewed": {"anonymize": 1}}


def test_an_ongoing_renewal_keeps_the_holding() -> None:
    case = service_not_renewed()
    organization("acme", Interval(START, dt.date(2026, 6, 30)), Interval(dt.date(2026, 7, 1)))
    before = live(case.holding)
    assert before is not None
    assert (before["retention_rule"], before["due_at"]) == ("", None)
    assert retention_run(actor=ACTOR, as_of=dt.date(2030, 1, 1)).processed == 0
    assert live(case.holding) == before


def test_an_erasure_request_of_a_subscriber_erases_the_sales_data() -> None:
    """Issue 12 case 3, notice §9.1: no clause requires keeping a subscriber's sales contact
    (legitimate interest or consent, "kept up to 5 years" is a limit, not an obligation), so
    the request makes it due; the customer-service data the subscription requires stays."""
    acme = organization("acme", Interval(START))
    sales = record(acme, "sales", "ines@example.com", collected_at=dt.date(2025, 2, 3))
    service = record(acme, "customer_service", "ines@example.com", collected_at=dt.date(2025, 6, 2))
    assert sales.person is not None
    request_erasure(sales.person, dt.date(2026, 9, 15))
    after = live(sales)
    assert after is not None
    assert (after["retention_rule"], after["due_at"], after["deadline_at"]) == (
        "sales_erasure_request",
        dt.date(2026, 9, 15),
        dt.date(2026, 11, 14),
    )
    report = retention_run(actor=ACTOR, as_of=dt.date(2026, 9, 15))
    assert (report.processed, report.counts) == (1, {"sales_erasure_request": {"delete": 1}})
    assert live(sales) is None
    kept = live(service)
    assert kept is not None
    assert (kept["retention_rule"], kept["due_at"]) == ("", None)


def test_a_second_run_on_the_same_day_changes_nothing(ledger_file) -> None:
    """Idempotence: everything due was done by the first run."""
    for rule in ("profile_subscription_not_renewed", "service_not_renewed"):
        CASES[rule]()
    administrative_not_renewed_elsewhere = organization(
        "boreal", Interval(dt.date(2018, 1, 1), dt.date(2021, 4, 30))
    )
    record(
        administrative_not_renewed_elsewhere,
        "administrative",
        "noah@example.org",
        collected_at=dt.date(2019, 3, 1),
    )
    kept = record(
        organization("prospect"), "sales", "lou@example.org", collected_at=dt.date(2025, 2, 3)
    )
    as_of = dt.date(2026, 7, 1)

    first = retention_run(actor=ACTOR, as_of=as_of)
    assert first.counts == {
        "administrative_not_renewed": {"anonymize": 1},
        "profile_subscription_not_renewed": {"delete": 1},
        "service_not_renewed": {"anonymize": 1},
    }
    dump, lines = registry_dump(), ledger_file.read_bytes()

    second = retention_run(actor=ACTOR, as_of=as_of)
    assert (second.processed, second.people_erased, second.counts, second.held) == (0, 0, {}, {})
    assert second.anonymisation_entry is None
    assert registry_dump() == dump
    assert ledger_file.read_bytes() == lines
    assert live(kept) is not None
