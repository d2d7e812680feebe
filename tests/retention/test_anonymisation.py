"""Irreversible anonymisation and deletion (notice §4-§5; Quebec anonymisation regulation):
after the sweep, no table of the database holds anything that names the people erased."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.conf import settings
from django.utils import timezone

from omni_privacy.audit.models import AuditEvent
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Holding, HoldingState, Person
from omni_privacy.retention.domain import anonymisation
from omni_privacy.retention.models import AnonymisationEntry, AnonymisedFact
from omni_privacy.retention.services import retention_run
from tests.retention.factory import ACTOR, live, organization, record, request_erasure
from tests.retention.scan import scan_django_database
from tests.retention.scenario import AS_OF, BARNABE, COUNTS, ONDINE, ZEPHYRINE, populate

pytestmark = pytest.mark.django_db


def test_no_table_holds_anything_of_the_people_erased(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    made = populate()
    needles = ZEPHYRINE.needles(settings.OMNI_DIGEST_KEY) | BARNABE.needles(
        settings.OMNI_DIGEST_KEY
    )
    # The scan sees every identifier while they are held (else finding nothing proves nothing).
    assert {needle for _table, needle in scan_django_database(needles)} == needles

    caplog.clear()
    report = retention_run(actor=ACTOR, as_of=AS_OF)
    assert report.counts == COUNTS
    assert [needle for needle in needles if needle in caplog.text.lower()] == []
    assert report.people_erased == 2

    assert scan_django_database(needles) == set()
    # Ondine keeps her live sales contact, hence her person row and her identifiers.
    ondine = live(made["ondine_sales"])
    assert ondine is not None
    assert (ondine["state"], ondine["full_name"]) == (HoldingState.ACTIVE, ONDINE.full_name)
    assert ondine["person_id"] == made["ondine_sales"].person_id
    assert Person.objects.filter(pk=made["ondine_sales"].person_id).exists()
    assert scan_django_database(ONDINE.needles(settings.OMNI_DIGEST_KEY)) != set()


def test_an_anonymised_holding_leaves_only_unlinked_organisation_facts() -> None:
    made = populate()
    old = made["zephyrine"]
    old_id, person_id = old.public_id, old.person_id
    # The old id is what the audit log knows the holding by.
    assert AuditEvent.objects.filter(action="holding.recorded", object_id=str(old_id)).exists()

    retention_run(actor=ACTOR, as_of=AS_OF)

    assert not Holding.objects.filter(pk=old.pk).exists()
    assert not Holding.objects.filter(public_id=old_id).exists()
    assert not Person.objects.filter(pk=person_id).exists()
    # What remains (anonymisation.FIELDS_KEPT): organisation-level facts, months only, in a
    # table with no column that could point back to a person, a holding or an instance.
    columns = {field.name for field in AnonymisedFact._meta.get_fields()}
    assert columns == {"id", *anonymisation.FIELDS_KEPT}
    facts = sorted(
        AnonymisedFact.objects.filter(organization_id=old.organization_id).values_list(
            "source",
            "purpose",
            "legal_basis",
            "channel",
            "collected_month",
            "anonymised_month",
            "retention_rule",
        )
    )
    month = timezone.localdate().replace(day=1)
    assert facts == [
        (
            "customer_service",
            "service_obligations",
            "contract",
            "phone",
            collected,
            month,
            "service_not_renewed",
        )
        # Ondine's (collected 2025-09-30) and Zéphyrine's (2025-06-17) service holdings.
        for collected in (dt.date(2025, 6, 1), dt.date(2025, 9, 1))
    ]


def test_a_person_with_another_live_holding_keeps_it() -> None:
    made = populate()
    retention_run(actor=ACTOR, as_of=AS_OF)
    assert not Holding.objects.filter(pk=made["ondine_service"].pk).exists()
    assert list(
        Holding.objects.filter(person_id=made["ondine_sales"].person_id).values_list("pk", "state")
    ) == [(made["ondine_sales"].pk, HoldingState.ACTIVE)]
    assert Person.objects.count() == 1


def test_each_run_that_anonymised_has_one_register_entry() -> None:
    populate()
    administrative = organization("boreal", Interval(dt.date(2018, 1, 1), dt.date(2021, 4, 30)))
    record(administrative, "administrative", "noah@example.org", collected_at=dt.date(2019, 3, 1))

    report = retention_run(actor=ACTOR, as_of=AS_OF)

    entry = AnonymisationEntry.objects.get()
    assert entry.public_id == report.anonymisation_entry
    assert entry.run.public_id == report.run_id
    assert (entry.anonymised_on, entry.holdings) == (timezone.localdate(), 3)
    assert entry.by_source == {
        "administrative": {"order_and_account": 1},
        "customer_service": {"service_obligations": 2},
    }
    assert entry.purposes == ["order_and_account", "service_obligations"]
    assert entry.fields_removed == [
        "full_name",
        "email",
        "phone",
        "preferred_language",
        "roles",
        "person",
        "instance",
        "public_id",
        "last_contact_at",
        "role_removed_at",
    ]
    assert entry.fields_generalised == ["collected_at"]
    assert entry.fields_kept == list(anonymisation.FIELDS_KEPT)
    assert entry.techniques == ["suppression", "generalisation", "unlinking"]
    assert entry.security_measures == [
        "same_transaction",
        "no_identifiers_in_audit",
        "keyed_digest_ledger",
        "access_control",
    ]
    assert entry.risk_analysis == "very_low_org_level_facts"
    event = AuditEvent.objects.get(action="retention.anonymisation_registered")
    assert (event.object_type, event.object_id, event.payload) == (
        "anonymisation_entry",
        str(entry.public_id),
        {
            "run": str(report.run_id),
            "holdings": 3,
            "purposes": ["order_and_account", "service_obligations"],
        },
    )


def test_runs_that_only_delete_or_do_nothing_have_no_register_entry() -> None:
    prospect = organization("prospect")
    holding = record(prospect, "sales", "lou@example.org", collected_at=dt.date(2025, 2, 3))
    assert holding.person is not None
    request_erasure(holding.person, dt.date(2026, 9, 15))

    deleting = retention_run(actor=ACTOR, as_of=AS_OF)
    idle = retention_run(actor=ACTOR, as_of=AS_OF)

    assert deleting.counts == {"sales_erasure_request": {"delete": 1}}
    assert (deleting.anonymisation_entry, idle.anonymisation_entry) == (None, None)
    assert AnonymisationEntry.objects.count() == 0
    assert not AuditEvent.objects.filter(action="retention.anonymisation_registered").exists()
