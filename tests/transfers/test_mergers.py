"""Notice §7 (more than QC s.18.4): agreement first, every affected person told in their
language before the export, a waiting period, and the buyer assessed (notice §6)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import override_settings

from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.errors import Refused
from omni_privacy.outbox.delivery import outbox_deliver_due
from omni_privacy.outbox.models import OutboxMessage, OutboxStatus
from omni_privacy.registry.domain.facts import Interval
from omni_privacy.transfers import merger as mergers
from omni_privacy.transfers.domain import rules
from omni_privacy.transfers.models import (
    MergerPerson,
    MergerState,
    NoticeState,
    Recipient,
    TransferRefusal,
)
from omni_privacy.transfers.services import TransferRefused, recipient_register
from tests.factories import HoldingFactory, OrganisationFactory, StaffFactory, assessed_recipient

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def officer():
    return StaffFactory(officer=True)


@pytest.fixture
def deal(officer):
    acme = OrganisationFactory(code="acme", subscriptions=(Interval(dt.date(2022, 1, 1)),))
    other = OrganisationFactory(code="other", subscriptions=(Interval(dt.date(2022, 1, 1)),))
    HoldingFactory(organization=acme, email="lea@example.com", preferred_language="fr")
    HoldingFactory(organization=acme, email="sam@example.com", preferred_language="en")
    HoldingFactory(organization=other, email="zoe@example.com")
    buyer = recipient_register(
        actor="test", kind="buyer", key="buyer-inc", name="Buyer Inc.", jurisdiction="Ontario"
    )
    return mergers.merger_record(
        user=officer, reference="sale-2026", title="Sale of the support business",
        parties="Omni; Buyer Inc.", buyer=buyer, organizations=[acme],
        sources=["customer_service"],
    )  # fmt: skip


def _agree(officer, merger, **terms):
    values = {"use_only_for_deal": True, "no_communication": True, "protection": True,
              "destruction_if_fails": True, **terms}  # fmt: skip
    return mergers.merger_agreement_record(
        user=officer, merger=merger, reference="S18.4-1", agreement_date=TODAY, **values
    )


def test_the_agreement_comes_first_with_its_four_terms(officer, deal) -> None:
    assert AuditEvent.objects.filter(action="merger.recorded").count() == 1
    with pytest.raises(Refused):
        mergers.merger_notify(user=officer, merger=deal, today=TODAY)
    with pytest.raises(Refused):
        _agree(officer, deal, destruction_if_fails=False)
    # The buyer's assessment is checked first: the refusal an officer must act on.
    with pytest.raises(TransferRefused):
        mergers.merger_export(user=officer, merger=deal, today=TODAY)
    assert TransferRefusal.objects.filter(key="buyer-inc", resolved_at__isnull=True).exists()
    assessed_recipient("buyer", "buyer-inc")
    with pytest.raises(Refused) as refused:
        mergers.merger_export(user=officer, merger=deal, today=TODAY)
    assert refused.value.code == rules.MERGER_NO_AGREEMENT
    merger = _agree(officer, deal)
    assert merger.state == MergerState.AGREED
    assert AuditEvent.objects.get(action="merger.agreement_recorded").payload["terms"] == 4


@override_settings(OMNI_MERGER_NOTICE_DAYS=30)
def test_the_export_waits_for_every_notice_and_the_period_then_goes_to_the_assessed_buyer(
    officer, deal, smtp_server
) -> None:
    merger = _agree(officer, deal)
    assert mergers.merger_notify(user=officer, merger=merger, today=TODAY) == 2
    rows = {row.language: row for row in MergerPerson.objects.filter(merger=merger)}
    assert set(rows) == {"fr", "en"}
    assert rows["fr"].message.subject.startswith("Omni\u00a0: ")
    assert rows["en"].message.subject.startswith("Omni: ")
    assert AuditEvent.objects.get(action="merger.notified").payload == {
        "persons": 2, "by_language": {"fr": 1, "en": 1}, "version": mergers.NOTICE_VERSION,
    }  # fmt: skip
    far = TODAY + dt.timedelta(days=365)
    # The buyer is a recipient of the register: not assessed, refused before anything else.
    with pytest.raises(TransferRefused):
        mergers.merger_export(user=officer, merger=merger, today=far)
    assessed_recipient("buyer", "buyer-inc")
    # One person still untold: refused, audited.
    with pytest.raises(Refused) as refused:
        mergers.merger_export(user=officer, merger=merger, today=far)
    assert (refused.value.code, refused.value.params["count"]) == (rules.MERGER_UNTOLD, 2)
    OutboxMessage.objects.filter(pk=rows["en"].message_id).update(status=OutboxStatus.FAILED)
    with pytest.raises(Refused) as refused:
        mergers.merger_export(user=officer, merger=merger, today=far)
    assert (refused.value.code, refused.value.params["count"]) == (rules.MERGER_UNTOLD, 1)
    assert AuditEvent.objects.filter(action="merger.export_refused").count() == 2
    assert outbox_deliver_due().sent == 1
    # Everyone told or their failure recorded: now the waiting period.
    with pytest.raises(Refused) as refused:
        mergers.merger_export(user=officer, merger=merger, today=TODAY + dt.timedelta(days=29))
    assert refused.value.code == rules.MERGER_WAITING
    states = dict(MergerPerson.objects.values_list("language", "state"))
    assert states == {"fr": NoticeState.TOLD, "en": NoticeState.FAILED}
    content = mergers.merger_export(user=officer, merger=merger, today=far)
    exported = json.loads(content)
    assert sorted(row["email"] for row in exported) == ["lea@example.com", "sam@example.com"]
    merger.refresh_from_db()
    assert merger.state == MergerState.EXPORTED
    event = AuditEvent.objects.get(action="merger.exported")
    assert event.payload["holdings"] == 2
    assert "example.com" not in json.dumps(event.payload)
    # The export carries each person's data: one read per person (issue 15 point 3).
    reads = AuditEvent.objects.filter(action="person.read", payload={"via": "export"})
    assert sorted(read.object_id for read in reads) == sorted(
        {row["person"] for row in exported if row["person"]}
    )
    assert len(reads) == 2
    with pytest.raises(Refused):
        mergers.merger_export(user=officer, merger=merger, today=far)
    assert Recipient.objects.get(key="buyer-inc").mergers.count() == 1
