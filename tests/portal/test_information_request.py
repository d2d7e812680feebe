"""The public information-request form (issue 4 item 7; notice §2.3, §2.4 scenario 2): FR/EN,
no cookie, a sales contact by form through the gate, a honeypot and rate limits."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from omni_privacy.core.models import ThrottleHit
from omni_privacy.registry.models import Holding

pytestmark = pytest.mark.django_db

FR, EN = "/fr/demande-d-information/", "/en/information-request/"
FORM = {"full_name": "Gabrielle Côté", "email": "gabrielle.cote@example.com", "phone": ""}


def _token(client: Client, url: str) -> str:
    page = client.get(url)
    match = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())
    assert match is not None
    return match[1]


def _send(client: Client, url: str = FR, **extra: str):
    return client.post(
        url, {**FORM, "form_token": _token(client, url), **extra}, REMOTE_ADDR="192.0.2.10"
    )


def test_pages_in_french_and_english_set_no_cookie(client: Client) -> None:
    fr, en = client.get(FR), client.get(EN)
    assert (fr.status_code, en.status_code) == (200, 200)
    assert '<html lang="fr">' in fr.content.decode()
    assert "Demander de l’information" in fr.content.decode()
    assert (
        '<a href="/en/information-request/" hreflang="en" lang="en">English</a>'
        in fr.content.decode()
    )
    assert "Request information" in en.content.decode()
    sent = _send(client)
    for response in (fr, en, sent):
        assert response.cookies == {}
        assert "Set-Cookie" not in response
    assert "http" not in re.sub(
        r'href="/[^"]*"|info@omni-assistant\.net', "", fr.content.decode()
    ).replace("http-equiv", "")


def test_a_request_records_a_sales_contact_by_form(client: Client) -> None:
    response = _send(client, EN, phone="438 555 0110")
    assert response.status_code == 200
    assert "Thank you. Our sales team will contact you." in response.content.decode()
    holding = Holding.objects.get()
    assert (
        holding.source,
        holding.channel,
        holding.legal_basis,
        holding.full_name,
        holding.phone,
        holding.preferred_language,
        holding.organization.code,
    ) == ("sales", "form", "consent", "Gabrielle Côté", "+14385550110", "en", "example-com")


def test_the_honeypot_thanks_and_records_nothing(client: Client) -> None:
    response = _send(client, website="http://spam.example.net")
    assert "Merci" in response.content.decode()
    assert Holding.objects.count() == 0


def test_bad_input_is_named_in_the_page_language(client: Client) -> None:
    response = _send(client, email="pas-une-adresse")
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["Saisissez une adresse courriel valide."]
    assert Holding.objects.count() == 0


def test_a_name_with_a_control_character_is_refused_by_name(client: Client) -> None:
    response = _send(client, full_name="Camille\x07Tremblay")
    assert response.status_code == 400
    assert response.context["form"].errors["full_name"] == [
        "Le nom contient un caractère de contrôle."
    ]
    assert Holding.objects.count() == 0


def test_a_forged_or_cross_site_post_is_refused(client: Client) -> None:
    assert client.post(FR, {**FORM, "form_token": "forged"}).status_code == 403
    crossed = client.post(
        FR, {**FORM, "form_token": _token(client, FR)}, HTTP_ORIGIN="https://evil.example.net"
    )
    assert crossed.status_code == 403
    assert Holding.objects.count() == 0


def test_rate_limits_per_address_and_per_ip(client: Client) -> None:
    for _attempt in range(3):
        assert _send(client).status_code == 200
    assert _send(client).status_code == 429
    for index in range(6):
        assert _send(client, email=f"other{index}@example.org").status_code == 200
    assert _send(client, email="eleventh@example.org").status_code == 429
    assert Holding.objects.count() == 7
    # What is limited is personal data: only keyed digests are stored.
    buckets = set(ThrottleHit.objects.values_list("bucket", flat=True))
    assert all(re.fullmatch(r"[0-9a-f]{64}", bucket) for bucket in buckets)
