"""Fulfilment of each right (issue 6 item 5) against a real registry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.selectors import person_reads
from omni_privacy.console.history import history_lines
from omni_privacy.core.crypto import unseal
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.dsr.exports import export_dir, export_open, export_token
from omni_privacy.dsr.fulfilment import dsr_request_fulfil
from omni_privacy.dsr.models import BridgedPreference, ExportFile, RightsRequest
from omni_privacy.dsr.services import dsr_request_submit, dsr_request_verify_by_phone
from omni_privacy.registry.models import Holding
from omni_privacy.retention.holds import legal_hold_place
from tests.dsr.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def verified(
    officer,
    kind: str,
    email: str = "camille@example.com",
    *,
    language: str = "fr",
    direct_marketing: bool = False,
) -> RightsRequest:
    rights = dsr_request_submit(
        kind=kind,
        email=email,
        language=language,
        jurisdiction="quebec",
        direct_marketing=direct_marketing,
        now=NOW,
        received_on=TODAY,
    )
    return dsr_request_verify_by_phone(request=rights, user=officer, now=NOW)


def fulfil(rights: RightsRequest, officer, **extra) -> RightsRequest:
    return dsr_request_fulfil(
        request=rights,
        user=officer,
        now=NOW,
        today=TODAY,
        base_url="https://privacy.example.com",
        **extra,
    )


def test_access_report_lists_every_holding_in_the_persons_language(people, officer, frozen) -> None:
    rights = fulfil(verified(officer, "access", language="en"), officer)
    assert rights.state == "fulfilled"
    # The officer's fulfilment compiled the person's data: a read, for this request.
    (read,) = person_reads(rights.person.public_id)
    assert (read.actor, read.payload) == (
        f"user:{officer.public_id}",
        {"via": "export", "reason": str(rights.public_id)},
    )
    export = ExportFile.objects.get(request=rights, kind="html")
    stored = (export_dir() / export.path).read_text()
    assert "Camille" not in stored  # sealed at rest
    opened = export_open(export_token(export), now=NOW)
    assert opened is not None
    html = opened[1]
    assert '<html lang="en"' in html
    for text in (
        "Customer service · Outils Acme",
        "Sales · Globex",
        "Software solution profile · Outils Acme",
        "Full name: Camille Tremblay",
        "Telephone number: +15145550123",
        "Service obligations for subscribed software solutions",
        "Performance of a contract",
        "Consent",
        "Monthly update from your organisation&#x27;s Omni-Assistant instance",
        "§4 ¶2: In the absence of renewal: deleted or anonymized within 60 days",
        "§4 ¶3: 5 years after the last contact, then deleted or anonymized within 60 days",
        "Until 2030-05-03 at the latest.",  # sales: last contact 2025-03-04 + 5 years + 60 days
        "Preferred language: French",  # a language by its name, not its code
        # customer service, no end date yet: the rule in a plain sentence, not the condition
        "As long as your organisation’s subscription lasts, then at most 60 days.",
        "Usage data (privacy notice §2.2)",
        "You may complain to the Commission d’accès à l’information du Québec (CAI)",
    ):
        assert text in html, text


def test_access_report_in_french_names_languages_and_retention_in_words(
    people, officer, frozen
) -> None:
    rights = fulfil(verified(officer, "access", language="fr"), officer)
    html = export_open(export_token(rights.exports.get(kind="html")), now=NOW)[1]
    assert '<html lang="fr"' in html
    assert "Langue de préférence : Français" in html
    assert "Tant que dure l’abonnement de votre organisation, puis au plus 60 jours." in html
    assert "tant que dure la condition" not in html
    assert ": fr<" not in html
    assert ": en<" not in html


def test_access_report_is_also_a_pdf_downloadable_by_its_link(people, officer, frozen, client):
    rights = fulfil(verified(officer, "access", language="en"), officer)
    export = rights.exports.get(kind="pdf")
    response = client.get(f"/en/rights/download/{export_token(export)}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF")
    assert len(body) > 5_000


def test_an_unknown_person_gets_a_report_saying_nothing_is_held(db, officer, frozen) -> None:
    rights = fulfil(verified(officer, "access", "stranger@example.org"), officer)
    html = export_open(export_token(rights.exports.get(kind="html")), now=NOW)[1]
    assert "Nous ne détenons aucun renseignement personnel à votre sujet." in html


def test_links_expire_after_the_configured_lifetime(people, officer, frozen, settings) -> None:
    settings.OMNI_DSR_LINK_DAYS = 2
    rights = fulfil(verified(officer, "portability"), officer)
    token = export_token(rights.exports.first())
    assert export_open(token, now=NOW) is not None
    frozen.shift(dt.timedelta(days=2, seconds=1))
    assert export_open(token, now=NOW + dt.timedelta(days=2, seconds=1)) is None
    assert export_open(token[:-2] + "xx", now=NOW) is None


def test_rectification_applies_to_every_holding_that_may_hold_the_field(
    people, officer, frozen
) -> None:
    rights = fulfil(
        verified(officer, "rectification"),
        officer,
        corrections={"full_name": "Camille  Tremblay-Roy", "phone": "514 555 0199"},
    )
    assert rights.state == "fulfilled"
    values = dict(Holding.objects.values_list("source", "full_name"))
    assert values == {
        "customer_service": "Camille Tremblay-Roy",
        "sales": "Camille Tremblay-Roy",
        "software_profile": "Camille Tremblay-Roy",
    }
    phones = dict(Holding.objects.values_list("source", "phone"))
    # Software profiles may not hold a telephone number (notice §2.1 ¶2).
    assert phones == {
        "customer_service": "+15145550199",
        "sales": "+15145550199",
        "software_profile": None,
    }
    events = AuditEvent.objects.filter(action="holding.rectified").order_by("sequence")
    assert sorted(tuple(e.payload["fields"]) for e in events) == [
        ("full_name",),
        ("full_name", "phone"),
        ("full_name", "phone"),
    ]


def test_bad_corrections_name_the_field_and_change_nothing(people, officer, frozen) -> None:
    rights = verified(officer, "rectification")
    with pytest.raises(InvalidInputError) as refused:
        fulfil(rights, officer, corrections={"phone": "12", "email": "new@example.com"})
    with translation.override("en"):
        said = str(refused.value)
    assert said == "phone: is not a valid telephone number; email: cannot be rectified here"
    with translation.override("fr"):
        assert "cannot" not in str(refused.value)  # the officer reading French reads French
    assert set(Holding.objects.values_list("full_name", flat=True)) == {"Camille Tremblay"}
    rights.refresh_from_db()
    assert rights.state == "verified"


def test_erasure_when_nothing_keeps_the_data(db, officer, frozen) -> None:
    from omni_privacy.registry.services import (
        OrganizationInput,
        holding_record,
        organization_upsert,
    )
    from tests.dsr.conftest import candidate

    globex = organization_upsert(
        actor="t", data=OrganizationInput(code="globex", name="Globex"), as_of=TODAY
    )
    holding = holding_record(
        actor="t", organization=globex, candidate=candidate("sales", "lea@example.com"), today=TODAY
    )
    from omni_privacy.registry.models import Holding, Person

    rights = fulfil(verified(officer, "erasure", "lea@example.com"), officer)
    # Issue 14 point 4: erased at once, not scheduled; nothing is left about the person.
    assert rights.state == "fulfilled"
    assert not Holding.objects.filter(pk=holding.pk).exists()
    assert not Person.objects.filter(pk=holding.person_id).exists()
    rights.refresh_from_db()
    assert rights.person is None
    assert rights.outcome == {
        "erased": [{"holding": str(holding.public_id), "erased_on": TODAY.isoformat()}],
        "retained": [],
    }
    chunk = AuditEvent.objects.get(action="retention.erasure_request.chunk")
    assert chunk.object_id == str(rights.public_id)
    assert chunk.payload["count"] == 1


def test_erasure_names_the_clause_and_a_legal_hold(people, officer, frozen) -> None:
    legal_hold_place(
        user=officer,
        organization=people.camille_sales.organization,
        reason="Litige en cours",
        until=dt.date(2027, 6, 30),
        today=TODAY,
    )
    rights = fulfil(verified(officer, "erasure"), officer)
    assert rights.state == "partially_fulfilled"
    retained = {item["holding"]: item for item in rights.outcome["retained"]}
    assert retained[str(people.camille_sales.public_id)] == {
        "holding": str(people.camille_sales.public_id),
        "clause": "legal_hold",
        "until": "2027-06-30",
    }
    assert retained[str(people.camille_service.public_id)]["until"] is None


def test_erasure_reaches_a_subscribers_sales_data(db, officer, frozen) -> None:
    """Issue 12 case 3, notice §9.1: the organisation subscribes, yet no clause requires keeping
    its contact's sales data: it is erased; the customer-service data the subscription
    requires is kept, and the answer names its clause."""
    from omni_privacy.policy.domain.facts import Interval
    from omni_privacy.registry.services import (
        OrganizationInput,
        holding_record,
        organization_upsert,
    )
    from tests.dsr.conftest import candidate

    acme = organization_upsert(
        actor="t",
        data=OrganizationInput(
            code="acme", name="Acme", subscriptions=(Interval(dt.date(2020, 1, 1)),)
        ),
        as_of=TODAY,
    )
    sales = holding_record(
        actor="t", organization=acme, candidate=candidate("sales", "lea@example.com"), today=TODAY
    )
    service = holding_record(
        actor="t",
        organization=acme,
        candidate=candidate("customer_service", "lea@example.com"),
        today=TODAY,
    )
    from omni_privacy.registry.models import Holding

    rights = fulfil(verified(officer, "erasure", "lea@example.com"), officer)
    assert not Holding.objects.filter(pk=sales.pk).exists()  # erased at once
    assert Holding.objects.filter(pk=service.pk).exists()
    assert rights.state == "partially_fulfilled"
    assert rights.outcome == {
        "erased": [{"holding": str(sales.public_id), "erased_on": TODAY.isoformat()}],
        "retained": [
            {"holding": str(service.public_id), "clause": "customer_service", "until": None}
        ],
    }


def frozen_now():
    from omni_privacy.core import clock

    return clock.now()


def test_objection_to_direct_marketing_and_withdrawal_go_through_the_bridge(
    people, officer, frozen
) -> None:
    objection = fulfil(verified(officer, "objection", direct_marketing=True), officer)
    withdrawal = fulfil(verified(officer, "withdrawal"), officer)
    assert list(
        BridgedPreference.objects.values_list("request", "kind", "scope").order_by("id")
    ) == [
        (objection.pk, "objection", "direct_marketing"),
        (withdrawal.pk, "withdrawal", "sales_information"),
    ]
    assert AuditEvent.objects.filter(action="rights_request.withdrawal_recorded").get().payload == {
        "scopes": ["sales_information"]
    }
    # They reach the suppression list and the consent ledger that every mailing checks.
    from omni_privacy.consent.models import ConsentEvent
    from omni_privacy.consent.selectors import is_suppressed, may_use

    assert is_suppressed(email="camille@example.com", purpose="sales_information")
    person = withdrawal.person
    assert list(ConsentEvent.objects.values_list("purpose", "given", "notice_version")) == [
        ("sales_information", False, "2")
    ]
    assert not may_use(person=person, purpose="sales_information", at=frozen_now())


def test_the_address_is_kept_sealed_and_audit_payloads_hold_no_personal_data(
    people, officer, frozen
) -> None:
    rights = fulfil(verified(officer, "access"), officer)
    assert "camille" not in rights.email_sealed
    assert unseal(rights.email_sealed) == "camille@example.com"
    for event in AuditEvent.objects.all():
        assert "camille" not in str(event.payload).lower()


def test_each_download_is_audited_and_told_in_the_history(people, officer, frozen, client):
    rights = fulfil(verified(officer, "access", language="en"), officer)
    export = rights.exports.get(kind="pdf")
    link = f"/en/rights/download/{export_token(export)}/"
    assert client.get(link).status_code == 200
    assert client.get(link).status_code == 200
    events = AuditEvent.objects.filter(
        action="rights_request.downloaded", object_id=str(rights.public_id)
    )
    assert [event.payload for event in events] == [
        {"kind": "access", "export": str(export.public_id), "format": "pdf"}
    ] * 2
    assert all(event.actor == "person" for event in events)
    with translation.override("fr"):
        lines = [line.what for line in history_lines(list(events))]
    assert lines == ["La personne a téléchargé un document (PDF) par son lien."] * 2
    # A forged link is refused and leaves no event.
    assert client.get(link[:-3] + "xx/").status_code == 404
    assert events.count() == 2
