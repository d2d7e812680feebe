"""Placing and releasing legal holds from the console (privacy officers only; QC s.28, GDPR
17(3)): the hold, its audit event in the same transaction, errors next to their field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from omni_privacy.audit.models import AuditEvent
from omni_privacy.retention.models import LegalHold
from tests.console.retention_registry import build
from tests.console.test_views import in_english

pytestmark = pytest.mark.django_db

HOLD_ORGANIZATION = "/console/retention/holds/"


@pytest.fixture
def registry(officer):
    return build(officer)


def person_of(registry, key: str):
    person = registry.holdings[key].person
    assert person is not None
    return person


def hold_person_url(person) -> str:
    return reverse("console:hold_person", args=[person.public_id])


def release_url(hold: LegalHold) -> str:
    return reverse("console:hold_release", args=[hold.public_id])


def events(action: str) -> list[tuple[str, str, dict]]:
    return [
        (event.actor, event.object_id, event.payload)
        for event in AuditEvent.objects.filter(action=action).order_by("sequence")
    ]


def test_urls() -> None:
    assert reverse("console:hold_organization") == HOLD_ORGANIZATION


def test_officer_places_a_hold_on_an_organisation(client: Client, officer, registry) -> None:
    client.force_login(officer)
    response = client.post(
        HOLD_ORGANIZATION,
        {"organization": "boreal", "reason": "Litige 2026-31", "until": "2027-06-30"},
    )
    assert (response.status_code, response["Location"]) == (
        302,
        "/console/retention/?done=hold_placed",
    )
    hold = LegalHold.objects.get(organization__code="boreal")
    assert (hold.reason, hold.until, hold.placed_by, hold.person) == (
        "Litige 2026-31",
        dt.date(2027, 6, 30),
        officer,
        None,
    )
    assert events("legal_hold.placed") == [
        (
            f"user:{officer.public_id}",
            str(hold.public_id),
            {"person": None, "organization": "boreal", "until": "2027-06-30"},
        )
    ]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert (
        '<p class="notice notice-ok" role="status">La conservation légale est placée.</p>' in html
    )
    # The boreal holdings past their due day are now held, not overdue.
    overview = page.context["overview"]
    assert (overview.overdue, overview.held) == (0, 5)


def test_unknown_organisation_code_is_named_next_to_its_field(
    client: Client, officer, registry
) -> None:
    in_english(officer)
    client.force_login(officer)
    response = client.post(HOLD_ORGANIZATION, {"organization": "nowhere", "reason": "Litige"})
    assert response.status_code == 200
    assert response.context["org_form"].errors == {
        "organization": ["No organisation has this code."]
    }
    html = response.content.decode()
    assert (
        '<ul class="errorlist" id="id_organization_error">'
        "<li>No organisation has this code.</li></ul>"
    ) in html
    assert 'aria-invalid="true" aria-describedby="id_organization_error"' in html
    assert LegalHold.objects.count() == 2
    assert events("legal_hold.placed") == []


def test_service_refusal_is_shown_next_to_the_field_in_french(
    client: Client, officer, registry
) -> None:
    client.force_login(officer)
    response = client.post(
        HOLD_ORGANIZATION, {"organization": "boreal", "reason": "Litige", "until": "2026-11-24"}
    )
    assert response.status_code == 200
    assert response.context["org_form"].errors == {
        "until": ["Le dernier jour de conservation ne peut pas être passé."]
    }
    assert 'id="id_until_error"><li>Le dernier jour de conservation' in response.content.decode()
    assert LegalHold.objects.filter(organization__code="boreal").exists() is False


def test_a_reason_is_required(client: Client, officer, registry) -> None:
    in_english(officer)
    client.force_login(officer)
    response = client.post(HOLD_ORGANIZATION, {"organization": "boreal", "reason": "   "})
    assert response.context["org_form"].errors == {"reason": ["This field is required."]}
    assert LegalHold.objects.filter(organization__code="boreal").exists() is False


def test_officer_places_a_hold_from_the_person_page(client: Client, officer, registry) -> None:
    person = person_of(registry, "late_sales")
    client.force_login(officer)
    page = client.get(reverse("console:person", args=[person.public_id]))
    html = page.content.decode()
    assert f'<form method="post" action="{hold_person_url(person)}"' in html
    assert "<h3>Placer une conservation légale</h3>" in html

    response = client.post(hold_person_url(person), {"reason": "Demande de la CAI 2026-9"})
    target = f"/console/people/{person.public_id}/?done=hold_placed"
    assert (response.status_code, response["Location"]) == (302, target)
    hold = LegalHold.objects.get(person=person)
    assert (hold.reason, hold.until, hold.organization) == ("Demande de la CAI 2026-9", None, None)
    assert events("legal_hold.placed")[-1] == (
        f"user:{officer.public_id}",
        str(hold.public_id),
        {"person": str(person.public_id), "organization": None, "until": None},
    )
    page = client.get(target)
    assert [row.hold_id for row in page.context["holds"]] == [hold.public_id]
    html = page.content.decode()
    assert "La conservation légale est placée." in html
    assert '<span class="status status-held">En vigueur</span>' in html


def test_person_hold_errors_are_shown_on_the_person_page(client: Client, officer, registry) -> None:
    person = person_of(registry, "late_sales")
    in_english(officer)
    client.force_login(officer)
    response = client.post(hold_person_url(person), {"reason": "", "until": "not a date"})
    assert response.status_code == 200
    assert response.context["hold_form"].errors == {
        "reason": ["This field is required."],
        "until": ["Enter a valid date."],
    }
    assert "Prospect late_sales" in response.content.decode()  # the person page, re-rendered
    assert LegalHold.objects.filter(person=person).exists() is False


def test_officer_releases_a_hold_and_returns_to_the_page(client: Client, officer, registry) -> None:
    hold = registry.person_hold
    person = person_of(registry, "held_by_person")
    back = f"/console/people/{person.public_id}/"
    client.force_login(officer)
    response = client.post(release_url(hold), {"next": back})
    assert (response.status_code, response["Location"]) == (302, f"{back}?done=hold_released")
    hold.refresh_from_db()
    assert (hold.released_by, hold.released_at is not None) == (officer, True)
    assert events("legal_hold.released") == [(f"user:{officer.public_id}", str(hold.public_id), {})]
    html = client.get(response["Location"]).content.decode()
    assert "La conservation légale est levée." in html
    assert "Levée le 2026-11-25 par Pat Gagnon" in html

    again = client.post(release_url(hold), {"next": back})
    assert again["Location"] == f"{back}?done=hold_already_released"
    assert len(events("legal_hold.released")) == 1
    html = client.get(again["Location"]).content.decode()
    assert '<p class="notice notice-warn" role="status">Cette conservation' in html


def test_release_goes_back_to_the_retention_page_rather_than_another_site(
    client: Client, officer, registry
) -> None:
    client.force_login(officer)
    response = client.post(release_url(registry.org_hold), {"next": "https://evil.example.org/"})
    assert response["Location"] == "/console/retention/?done=hold_released"


def test_unknown_hold_or_person_is_404(client: Client, officer, registry) -> None:
    import uuid

    client.force_login(officer)
    assert client.post(reverse("console:hold_release", args=[uuid.uuid4()])).status_code == 404
    assert (
        client.post(
            reverse("console:hold_person", args=[uuid.uuid4()]), {"reason": "Litige"}
        ).status_code
        == 404
    )


def test_a_sales_user_can_neither_place_nor_release_holds(
    client: Client, sales_user, registry
) -> None:
    person = person_of(registry, "late_sales")
    client.force_login(sales_user)
    # The person page (the sales holding is theirs to see) has no hold form.
    page = client.get(reverse("console:person", args=[person.public_id]))
    assert page.status_code == 200
    assert "hold_form" not in page.context
    assert "/holds/" not in page.content.decode()

    assert (
        client.post(HOLD_ORGANIZATION, {"organization": "boreal", "reason": "x"}).status_code == 403
    )
    assert client.post(hold_person_url(person), {"reason": "x"}).status_code == 403
    assert client.post(release_url(registry.org_hold)).status_code == 403
    assert LegalHold.objects.count() == 2
    registry.org_hold.refresh_from_db()
    assert registry.org_hold.released_at is None
    assert events("legal_hold.placed") == events("legal_hold.released") == []


def test_hold_forms_are_posts_with_a_csrf_token(officer, registry) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.get(HOLD_ORGANIZATION).status_code == 405
    refused = client.post(HOLD_ORGANIZATION, {"organization": "boreal", "reason": "Litige"})
    assert refused.status_code == 403
    assert LegalHold.objects.filter(organization__code="boreal").exists() is False

    page = client.get("/console/retention/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    accepted = client.post(
        HOLD_ORGANIZATION,
        {"organization": "boreal", "reason": "Litige", "csrfmiddlewaretoken": token},
    )
    assert accepted.status_code == 302
    assert LegalHold.objects.filter(organization__code="boreal").count() == 1


def test_anonymous_posts_are_sent_to_sign_in(client: Client, registry) -> None:
    response = client.post(HOLD_ORGANIZATION, {"organization": "boreal", "reason": "Litige"})
    assert (response.status_code, response["Location"]) == (
        302,
        f"/console/login/?next={HOLD_ORGANIZATION}",
    )
    assert LegalHold.objects.count() == 2
