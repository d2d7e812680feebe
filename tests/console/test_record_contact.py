"""Recording a contact from the console (issue 4 item 7, notice §2.4 scenario 2): each team its
own source, through the gate, with channel and date; refusals next to their field, nothing
written; a new contact restarts the five-year clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from omni_privacy.audit.models import AuditEvent
from omni_privacy.registry.models import Holding
from tests.console.conftest import TODAY, organization
from tests.console.test_views import in_english

pytestmark = pytest.mark.django_db

SALES_FORM = {
    "organization": "acme",
    "full_name": "Élodie  Bergeron",
    "email": "elodie.bergeron@example.com",
    "phone": "514 555 0177",
    "preferred_language": "fr",
    "channel": "phone",
    "contacted_on": "2026-11-20",
}


def test_a_sales_contact_is_recorded_with_channel_and_date(client: Client, sales_user, acme):
    client.force_login(sales_user)
    response = client.post("/console/record/sales/", SALES_FORM)
    holding = Holding.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"] == f"/console/people/{holding.person.public_id}/?done=contact_recorded"
    )
    assert (
        holding.source,
        holding.purpose,
        holding.legal_basis,
        holding.channel,
        holding.collected_at,
        holding.last_contact_at,
        holding.full_name,
        holding.phone,
        holding.due_at,
    ) == (
        "sales",
        "sales_information",
        "consent",
        "phone",
        dt.date(2026, 11, 20),
        dt.date(2026, 11, 20),
        "Élodie Bergeron",
        "+15145550177",
        dt.date(2031, 11, 20),
    )
    event = AuditEvent.objects.get(action="holding.recorded")
    assert event.actor == f"user:{sales_user.public_id}"

    # A later call restarts the clock (notice §4 ¶3: five years after the last contact).
    client.post(
        "/console/record/sales/", {**SALES_FORM, "contacted_on": "2026-11-24", "channel": "email"}
    )
    holding.refresh_from_db()
    assert (
        Holding.objects.count(),
        holding.collected_at,
        holding.last_contact_at,
        holding.due_at,
    ) == (1, dt.date(2026, 11, 20), dt.date(2026, 11, 24), dt.date(2031, 11, 24))


def test_each_team_records_only_its_own_source(client: Client, service_user, officer, acme):
    client.force_login(service_user)
    assert client.get("/console/record/").url == "/console/record/customer_service/"
    assert client.get("/console/record/sales/").status_code == 404
    assert client.get("/console/record/software_profile/").status_code == 404
    client.force_login(officer)
    html = client.get("/console/record/sales/").content.decode()
    assert 'href="/console/record/administrative/"' in html


def test_refusals_are_shown_by_field_and_nothing_is_written(client: Client, sales_user, acme):
    organization("prospect", "Prospect inc.")  # no purchasing-group contract
    in_english(sales_user)
    client.force_login(sales_user)
    response = client.post(
        "/console/record/sales/",
        {
            **SALES_FORM,
            "organization": "prospect",
            "email": "not-an-address",
            "contacted_on": (TODAY + dt.timedelta(days=1)).isoformat(),
            "purchasing_group": "on",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["email"] == ["This is not a valid email address."]
    assert errors["contacted_on"] == ["The date of the contact cannot be in the future."]
    assert errors["purchasing_group"] == [
        (
            "Sales data needs the person to have contacted us, or an active purchasing-group "
            "contract for their organisation (notice §2.1 ¶4)."
        )
    ]
    assert Holding.objects.count() == 0
    unknown = client.post("/console/record/sales/", {**SALES_FORM, "organization": "nope"})
    assert unknown.context["form"].errors["organization"] == ["No organisation has this code."]


def test_a_service_call_needs_a_subscription(client: Client, service_user, boreal):
    in_english(service_user)
    client.force_login(service_user)
    response = client.post(
        "/console/record/customer_service/", {**SALES_FORM, "organization": "boreal"}
    )
    assert response.context["form"].errors["organization"] == [
        (
            "The organisation has no subscription on the date of the contact: the notice does not "
            "allow recording this source for it (§2.1)."
        )
    ]
    assert Holding.objects.count() == 0
