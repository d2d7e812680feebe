"""A rights request a person can finish and follow (issue 14 point 3): the code mail's link,
the verification page by GET (reload, language switch), the status lookup from any browser,
the person's own withdrawal, and "elsewhere" under Quebec's rules."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from omni_privacy.dsr.models import RightsRequest
from tests.dsr.test_portal import _hidden, _submit

pytestmark = pytest.mark.django_db
EMAIL = "camille@example.com"


def _mail_link(smtp, address: str = EMAIL) -> str:
    body = smtp.to(address)[-1].get_content()
    match = re.search(r"^http://127\.0\.0\.1:8000(/\S+)\r?$", body, re.MULTILINE)
    assert match is not None, body
    return match[1]


def _verify(client: Client, path: str, code: str):
    html = client.get(path).content.decode()
    return client.post(
        path,
        {
            "ticket": _hidden(html, "ticket"),
            "form_token": _hidden(html, "form_token"),
            "code": code,
        },
        REMOTE_ADDR="192.0.2.10",
    )


def test_the_code_mail_leads_back_to_the_request_from_another_browser(
    client: Client, people, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = _submit(client, EMAIL)
    assert page.status_code == 200
    link = _mail_link(smtp)
    assert link.startswith("/fr/droits/verification/?t=")
    assert EMAIL not in link
    # Another browser (the tab was closed): the link opens the page, again and again.
    other = Client()
    for _ in range(2):
        again = other.get(link)
        assert again.status_code == 200
        assert again.cookies == {}
        assert "Vérifier votre identité" in again.content.decode()
    # The language switch keeps the request.
    html = again.content.decode()
    switch = re.search(r'href="(/en/rights/verification/\?t=[^"]+)" hreflang="en"', html)
    assert switch is not None
    assert "Verify your identity" in other.get(switch[1]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        verified = _verify(other, link, smtp.last_code(EMAIL))
    assert (verified.status_code, verified["Location"]) == (302, "/fr/droits/suivi/")
    assert RightsRequest.objects.get().state == "verified"
    # Once verified, the link says so instead of asking for a code again.
    assert "n’attend plus de vérification" in Client().get(link).content.decode()


def test_a_tampered_link_says_it_has_expired(client: Client) -> None:
    html = client.get("/en/rights/verification/?t=forged").content.decode()
    assert "This link has expired or is not complete." in html
    assert 'name="code"' not in html


def test_status_lookup_from_any_browser_mails_a_link_that_opens_the_request(
    client: Client, people, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = _submit(client, EMAIL, url="/en/rights/")
        _verify(client, _mail_link(smtp), smtp.last_code(EMAIL))
    rights = RightsRequest.objects.get()
    mails = len(smtp.to(EMAIL))
    elsewhere = Client()

    def lookup(reference: str, address: str):
        form = elsewhere.get("/en/rights/find/").content.decode()
        return elsewhere.post(
            "/en/rights/find/",
            {"reference": reference, "email": address, "form_token": _hidden(form, "form_token")},
            REMOTE_ADDR="192.0.2.20",
        )

    with django_capture_on_commit_callbacks(execute=True):
        wrong = lookup(str(rights.public_id), "someone.else@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        right = lookup(str(rights.public_id), EMAIL.upper())

    def normal(response) -> str:
        return re.sub(r'name="form_token" value="[^"]+"', "", response.content.decode())

    assert (wrong.status_code, right.status_code) == (200, 200)
    assert normal(wrong) == normal(right)  # nothing said about the pair
    assert len(smtp.to(EMAIL)) == mails + 1
    assert smtp.to("someone.else@example.org") == []
    link = _mail_link(smtp)
    assert link.startswith("/en/rights/status/link/")
    opened = elsewhere.get(link)
    assert (opened.status_code, opened["Location"]) == (302, "/en/rights/status/")
    status = elsewhere.get("/en/rights/status/").content.decode()
    assert f'<dd id="reference">{rights.public_id}</dd>' in status
    assert page.status_code == 200
    assert Client().get(link[:-3] + "xx/").status_code == 404


def test_the_person_withdraws_after_a_confirmation(
    client: Client, people, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, EMAIL)
        _verify(client, _mail_link(smtp), smtp.last_code(EMAIL))
    status = client.get("/fr/droits/suivi/").content.decode()
    assert 'href="/fr/droits/retrait/"' in status
    confirm = client.get("/fr/droits/retrait/").content.decode()
    assert "Conséquence\u00a0: nous cessons aussitôt de la traiter" in confirm
    assert RightsRequest.objects.get().state == "verified"  # asking is not doing
    done = client.post(
        "/fr/droits/retrait/", {"form_token": _hidden(confirm, "form_token")}, REMOTE_ADDR="x"
    )
    assert (done.status_code, done["Location"]) == (302, "/fr/droits/suivi/?withdrawn=1")
    rights = RightsRequest.objects.get()
    assert (rights.state, rights.outcome["closed_because"]) == ("withdrawn", "withdrawn_by_person")
    after = client.get(done["Location"]).content.decode()
    assert "Votre demande est retirée." in after
    assert 'href="/fr/droits/retrait/"' not in after


def test_withdrawal_needs_a_verified_session(client: Client) -> None:
    response = client.post("/en/rights/withdraw/", {})
    assert (response.status_code, response["Location"]) == (302, "/en/rights/status/")


def test_elsewhere_is_handled_under_quebec_rules(
    client: Client, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = _submit(client, EMAIL, jurisdiction="elsewhere")
    assert page.status_code == 200
    assert RightsRequest.objects.get().jurisdiction == "quebec"
