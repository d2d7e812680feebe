"""Notice §6 enforced: every flow to a recipient (mail relay, connector, portability) refused
without a current assessment, visibly (audit event, open alarm, words), and allowed once
assessed. These tests start without the assessed relay and stores of tests/conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from django.utils import translation

from omni_privacy.audit.models import AuditEvent
from omni_privacy.dsr.fulfilment import dsr_portability_transfer
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.outbox.delivery import outbox_deliver_due
from omni_privacy.outbox.models import OutboxMessage, OutboxStatus
from omni_privacy.outbox.services import outbox_enqueue
from omni_privacy.stores.connect import engine_for
from omni_privacy.stores.services import store_add, store_check, store_erase
from omni_privacy.transfers.domain import rules
from omni_privacy.transfers.models import Recipient, TransferRefusal
from omni_privacy.transfers.selectors import transfer_alarms
from omni_privacy.transfers.services import (
    TransferRefused,
    recipient_assess,
    recipient_register,
    require_transfer,
)
from tests.factories import RightsRequestFactory, StaffFactory
from tests.stores import fixture

pytestmark = [pytest.mark.django_db, pytest.mark.transfers_unassessed]

TODAY = dt.date(2026, 11, 25)


def _assess(recipient: Recipient, officer, *, reassess_on=dt.date(2027, 11, 25)) -> Recipient:
    return recipient_assess(
        user=officer,
        recipient=recipient,
        sensitivity="names, emails, preferred languages: low sensitivity",
        purposes="sending the notices and answers the notice §3 lists",
        protection_measures="TLS; clause 7 of the agreement forbids any other use",
        legal_framework="Quebec, P-39.1",
        conclusion="adequate",
        agreement_reference="AGR-2026-01",
        agreement_date=dt.date(2026, 1, 10),
        reassess_on=reassess_on,
        today=TODAY,
    )


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_register_and_assess_write_their_audit_events_and_need_an_officer() -> None:
    officer = StaffFactory(officer=True)
    recipient = recipient_register(
        actor="test", kind="mail_relay", key="mail-relay", name="Relay", jurisdiction="Québec"
    )
    [registered] = _events("transfer.recipient_registered")
    assert registered.payload == {"kind": "mail_relay", "key": "mail-relay"}
    with pytest.raises(PermissionError):
        _assess(recipient, StaffFactory())
    assert not _events("transfer.assessed")
    recipient = _assess(recipient, officer)
    [assessed] = _events("transfer.assessed")
    assert assessed.payload == {
        "kind": "mail_relay", "key": "mail-relay", "conclusion": "adequate",
        "agreement": True, "reassess_on": "2027-11-25",
    }  # fmt: skip
    assert recipient.approved_by == officer
    assert recipient.assessed_on == TODAY


def test_a_refusal_is_audited_raised_in_words_and_an_alarm_until_allowed_again() -> None:
    with pytest.raises(TransferRefused) as refused:
        require_transfer(kind="buyer", recipient_key="acme-buyer", actor="test", today=TODAY)
    assert refused.value.code == rules.NOT_REGISTERED
    with translation.override("en"):
        assert "not in the recipients register" in refused.value.message
    with translation.override("fr"):
        assert "registre des destinataires" in refused.value.message
    [event] = _events("transfer.refused")
    assert event.payload == {"kind": "buyer", "key": "acme-buyer", "code": rules.NOT_REGISTERED}
    assert [r["refusal"].key for r in transfer_alarms(today=TODAY)["refused"]] == ["acme-buyer"]
    recipient = recipient_register(
        actor="test", kind="buyer", key="acme-buyer", name="Acme", jurisdiction="Ontario"
    )
    with pytest.raises(TransferRefused) as refused:
        require_transfer(kind="buyer", recipient_key="acme-buyer", actor="test", today=TODAY)
    # Said with the register's name, not the kind and key the code uses.
    with translation.override("en"):
        assert "Acme has no approved" in refused.value.message
        words = [str(row["words"]) for row in transfer_alarms(today=TODAY)["refused"]]
    assert any("Acme has no approved" in said for said in words)
    assert not any("buyer:" in said for said in words)
    _assess(recipient, StaffFactory(officer=True))
    assert require_transfer(kind="buyer", recipient_key="acme-buyer", actor="test", today=TODAY)
    assert transfer_alarms(today=TODAY)["refused"] == []
    assert len(_events("transfer.refusal_resolved")) == 1


def test_an_assessment_past_its_reassessment_day_refuses_and_is_an_alarm() -> None:
    recipient = recipient_register(
        actor="test", kind="infrastructure", key="omni-qc", name="Omni", jurisdiction="Québec"
    )
    _assess(recipient, StaffFactory(officer=True), reassess_on=TODAY + dt.timedelta(days=1))
    later = TODAY + dt.timedelta(days=2)
    assert transfer_alarms(today=later)["overdue"] == [recipient]
    with pytest.raises(TransferRefused) as refused:
        require_transfer(kind="infrastructure", recipient_key="omni-qc", actor="t", today=later)
    assert refused.value.code == rules.EXPIRED


def test_mail_stays_queued_while_the_relay_is_unassessed_then_flows(smtp_server) -> None:
    message = outbox_enqueue(to="ana@example.com", subject="Bonjour", body_text="Corps",
                             language="fr", kind="test")  # fmt: skip
    for _ in range(3):
        report = outbox_deliver_due()
        assert (report.sent, report.held_back) == (0, 1)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.recipient_sealed != "") == (
        OutboxStatus.QUEUED, 0, True
    )  # fmt: skip
    assert smtp_server.received == []
    # Audited once, counted on the open alarm (every round asks).
    assert len(_events("transfer.refused")) == 1
    assert TransferRefusal.objects.get().count == 3
    relay = recipient_register(
        actor="test", kind="mail_relay", key="mail-relay", name="Relay", jurisdiction="Québec"
    )
    _assess(relay, StaffFactory(officer=True))
    assert outbox_deliver_due().sent == 1
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT
    assert len(smtp_server.received) == 1


def test_a_connector_is_refused_for_an_unassessed_store_then_allowed(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    engine = engine_for("sqlite", url)
    fixture.create(engine)
    fixture.populate(engine)
    store = store_add(actor="test", name="crm", dialect="sqlite", url=url,
                      dataset_text=fixture.DATASET)  # fmt: skip
    store_check(actor="test", store=store)
    store.refresh_from_db()
    result = store_erase(actor="test", store=store, email=fixture.LEA)
    assert (result.outcome, result.failure.code) == ("failed", "transfer_refused")
    assert _events("transfer.refused")[0].payload["key"] == "crm"
    with engine.connect() as connection:
        assert connection.execute(sa.text("select count(*) from customers")).scalar() == 2
    recipient = recipient_register(
        actor="test", kind="store", key="crm", name="CRM", jurisdiction="Québec"
    )
    _assess(recipient, StaffFactory(officer=True))
    assert store_erase(actor="test", store=store, email=fixture.LEA).outcome == "done"
    engine.dispose()


def test_a_portability_transfer_to_an_unassessed_third_party_is_refused_then_allowed() -> None:
    officer = StaffFactory(officer=True)
    request = RightsRequestFactory(kind="portability")
    RightsRequest.objects.filter(pk=request.pk).update(state="fulfilled", outcome={"exports": []})
    request.refresh_from_db()
    with pytest.raises(TransferRefused):
        dsr_portability_transfer(request=request, user=officer, recipient_key="other-crm")
    assert not _events("dsr.portability_transferred")
    assert _events("transfer.refused")[0].payload["kind"] == "portability"
    recipient = recipient_register(
        actor="test", kind="portability", key="other-crm", name="Other", jurisdiction="EU"
    )
    _assess(recipient, officer)
    dsr_portability_transfer(request=request, user=officer, recipient_key="other-crm")
    [done] = _events("dsr.portability_transferred")
    assert done.payload == {"recipient": "other-crm", "exports": []}
