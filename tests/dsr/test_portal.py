"""The public rights-request pages (issue 6 item 1-2; notice §9.1-§9.2, §2.3): FR/EN, no
cookie before verification, the same answer for a known and an unknown address, a code by
email, then exactly one session cookie."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from omni_privacy.core.models import ThrottleHit
from omni_privacy.dsr.fulfilment import dsr_request_fulfil
from omni_privacy.dsr.models import RightsRequest, VerificationCode
from tests.dsr.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db

FR, EN = "/fr/droits/", "/en/rights/"
VERIFY_FR = "/fr/droits/verification/"


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match is not None, name
    return match[1]


def _submit(
    client: Client, email: str, url: str = FR, kind: str = "access", *, follow=True, **extra
):
    """The form, then (post/redirect/get) the verification page it sends the person to."""
    token = _hidden(client.get(url).content.decode(), "form_token")
    extra.setdefault("jurisdiction", "quebec")
    response = client.post(
        url, {"kind": kind, "email": email, "form_token": token, **extra}, REMOTE_ADDR="192.0.2.10"
    )
    if not follow or response.status_code != 302:
        return response
    assert response["Location"].startswith(url + ("verification/?t=" if "fr" in url else ""))
    return client.get(response["Location"])


def _verify(client: Client, page, code: str, url: str = VERIFY_FR):
    html = page.content.decode()
    return client.post(
        url,
        {
            "ticket": _hidden(html, "ticket"),
            "form_token": _hidden(html, "form_token"),
            "code": code,
        },
        REMOTE_ADDR="192.0.2.10",
    )


def test_the_form_in_french_and_english_sets_no_cookie(client: Client) -> None:
    fr, en = client.get(FR), client.get(EN)
    assert (fr.status_code, en.status_code) == (200, 200)
    assert '<html lang="fr"' in fr.content.decode()
    assert "Exercer vos droits" in fr.content.decode()
    assert '<a href="/en/rights/" hreflang="en" lang="en">English</a>' in fr.content.decode()
    assert "Exercise your privacy rights" in en.content.decode()
    assert fr.cookies == {}
    assert en.cookies == {}


def test_known_and_unknown_addresses_get_the_same_answer(
    client: Client, people, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = _submit(client, "camille@example.com")
        unknown = _submit(client, "nobody.here@example.org")

    def normal(response) -> str:
        html = response.content.decode()
        html = re.sub(r'name="(ticket|form_token)" value="[^"]+"', r'name="\1" value=""', html)
        return re.sub(r"\?t=[^\"]+", "?t=", html)

    assert (known.status_code, unknown.status_code) == (200, 200)
    assert normal(known) == normal(unknown)
    assert sorted(known.headers) == sorted(unknown.headers)
    assert known.cookies == {}
    assert unknown.cookies == {}
    # A code went to both addresses, and only its hash is stored.
    assert [len(smtp.to("camille@example.com")), len(smtp.to("nobody.here@example.org"))] == [1, 1]
    code = smtp.last_code("camille@example.com")
    stored = VerificationCode.objects.values_list("code_hash", flat=True)
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) and code not in value for value in stored)
    assert RightsRequest.objects.filter(state="awaiting_verification").count() == 2


def test_submit_verify_and_download_in_french(  # noqa: PLR0917 (fixtures)
    client: Client, people, smtp, frozen, officer, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = _submit(client, "camille@example.com", kind="portability")
    code = smtp.last_code("camille@example.com")
    letter = smtp.to("camille@example.com")[0]
    assert smtp.subjects("camille@example.com")[0] == f"Votre code de vérification : {code}"
    assert "auprès de la Commission d’accès à l’information du Québec (CAI)" in letter.get_content()
    assert "info@omni-assistant.net" in letter.get_content()

    wrong = _verify(client, page, "000000" if code != "000000" else "111111")
    assert wrong.status_code == 400
    assert wrong.cookies == {}
    assert "Ce code n’est pas le bon." in wrong.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        verified = _verify(client, page, code)
    assert verified.status_code == 302
    assert verified["Location"] == "/fr/droits/suivi/"
    assert list(verified.cookies) == ["omni_session"]
    cookie = verified.cookies["omni_session"]
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")
    rights = RightsRequest.objects.get()
    assert (rights.state, rights.verified_method, rights.person) == (
        "verified",
        "email_code",
        people.camille_sales.person,
    )
    assert smtp.subjects("camille@example.com")[-1] == (
        "Accusé de réception de votre demande de portabilité"
    )

    with django_capture_on_commit_callbacks(execute=True):
        dsr_request_fulfil(
            request=rights, user=officer, now=NOW, today=TODAY, base_url="http://testserver"
        )
    status = client.get("/fr/droits/suivi/")
    html = status.content.decode()
    assert '<dd id="state">Réponse envoyée</dd>' in html
    links = re.findall(r'href="(/fr/droits/telechargement/[^"]+)"', html)
    assert len(links) == 2
    downloaded = client.get(links[0])
    assert downloaded["Content-Disposition"] == 'attachment; filename="omni-portability.csv"'
    lines = downloaded.content.decode().splitlines()
    assert lines[0].startswith("source,organization,purpose")
    exported = json.loads(client.get(links[1]).content)
    # Provided by the person on consent or contract: sales (form) and customer service
    # (email); not the software profile the instance reported.
    assert sorted(h["source"] for h in exported["holdings"]) == ["customer_service", "sales"]
    # The fulfilment letter carries the same links.
    fulfilment = smtp.to("camille@example.com")[-1]
    assert smtp.subjects("camille@example.com")[-1] == "Réponse à votre demande de portabilité"
    assert "http://testserver/fr/droits/telechargement/" in fulfilment.get_content()


def test_five_wrong_codes_exhaust_the_code(
    client: Client, people, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = _submit(client, "camille@example.com")
    code = smtp.last_code("camille@example.com")
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        assert _verify(client, page, wrong).status_code == 400
    refused = _verify(client, page, code)
    assert refused.status_code == 429  # the growing lockout (tests/dsr/test_code_lockout.py)
    assert refused.cookies == {}
    assert RightsRequest.objects.get().state == "awaiting_verification"


def test_an_expired_code_is_refused(
    client: Client, people, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = _submit(client, "camille@example.com")
    code = smtp.last_code("camille@example.com")
    frozen.shift(16 * 60)
    refused = _verify(client, page, code)
    assert refused.status_code == 400
    assert "Ce code a expiré" in refused.content.decode()


def test_rate_limits_per_address(
    client: Client, people, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(3):
            assert _submit(client, "camille@example.com").status_code == 200
        assert _submit(client, "camille@example.com").status_code == 429
    assert RightsRequest.objects.count() == 3
    assert all(
        re.fullmatch(r"[0-9a-f]{64}", b)
        for b in ThrottleHit.objects.values_list("bucket", flat=True)
    )


def test_a_forged_form_is_refused(client: Client, db) -> None:
    response = client.post(
        FR,
        {"kind": "access", "email": "a@example.com", "jurisdiction": "quebec", "form_token": "x"},
    )
    assert response.status_code == 403
    assert RightsRequest.objects.count() == 0


def test_status_without_a_session_sets_no_cookie(client: Client, db) -> None:
    response = client.get("/en/rights/status/")
    assert response.status_code == 200
    assert "There is no verified request in this browser." in response.content.decode()
    assert response.cookies == {}


def test_the_english_pages_verify_and_follow_the_request(
    client: Client, people, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = _submit(
            client, "camille@example.com", url=EN, kind="objection", direct_marketing="on"
        )
    assert "We have sent a six-digit code" in page.content.decode()
    assert smtp.subjects("camille@example.com")[0].startswith("Your verification code: ")
    code = smtp.last_code("camille@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        verified = _verify(client, page, code, url="/en/rights/verification/")
    assert verified["Location"] == "/en/rights/status/"
    status = client.get("/en/rights/status/").content.decode()
    assert '<dd id="state">Identity verified; waiting to be handled</dd>' in status
    assert '<a href="/fr/droits/suivi/" hreflang="fr" lang="fr">Français</a>' in status
    rights = RightsRequest.objects.get()
    assert (rights.kind, rights.direct_marketing, rights.language) == ("objection", True, "en")
    assert smtp.subjects("camille@example.com")[-1] == "We received your objection"
