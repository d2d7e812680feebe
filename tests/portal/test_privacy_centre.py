"""The privacy centre (issue 14 points 1-2): the home at /fr/ and /en/, / by the browser's
language, friendly error pages, the notice's links to the rights form, forms as people expect."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from omni_privacy.notices.domain.markdown import render_html
from omni_privacy.portal.notice_views import _with_rights_links

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("en-CA,en;q=0.9,fr;q=0.5", "/en/"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "/fr/"),
        ("de-DE,en;q=0.3,fr;q=0.7", "/fr/"),
        ("de-DE,en;q=0.8", "/en/"),
        ("", "/fr/"),
        ("en;q=0", "/fr/"),
    ],
)
def test_the_root_picks_the_language_from_the_browser(
    client: Client, header: str, target: str
) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert (response.status_code, response["Location"]) == (302, target)
    assert "Accept-Language" in response["Vary"]
    assert response.cookies == {}


def test_the_home_says_what_is_held_and_why_and_links_every_public_page(client: Client) -> None:
    fr = client.get("/fr/")
    en = client.get("/en/")
    assert (fr.status_code, en.status_code) == (200, 200)
    assert (fr.cookies, en.cookies) == ({}, {})
    html_fr, html_en = fr.content.decode(), en.content.decode()
    assert "<h1>Centre de confidentialité</h1>" in html_fr
    assert "<h1>Privacy centre</h1>" in html_en
    # From the policy, in the reader's language: sources, fields, purposes, retention.
    assert "Réponse aux demandes d&#x27;information (processus de vente)" in html_fr
    assert "5 years after the last contact, then deleted or anonymized within 60 days" in html_en
    assert "Adresse courriel" in html_fr
    for path in (
        "/fr/droits/",
        "/fr/droits/retrouver/",
        "/fr/avis-de-confidentialite",
        "/fr/demande-d-information/",
        "/en/",
    ):
        assert f'href="{path}"' in html_fr, path
    assert 'href="mailto:info@omni-assistant.net"' in html_en


@pytest.mark.parametrize(
    "path",
    [
        "/fr/droits/",
        "/en/rights/",
        "/fr/droits/retrouver/",
        "/en/rights/status/",
        "/fr/demande-d-information/",
        "/en/global-privacy-control",
    ],
)
def test_every_public_page_links_the_others(client: Client, path: str) -> None:
    html = client.get(path).content.decode()
    language = path[1:3]
    home = f'href="/{language}/"'
    assert home in html
    assert ('href="/fr/droits/"' if language == "fr" else 'href="/en/rights/"') in html
    assert "vendor/pico/pico.min.css" in html
    assert "<script" not in html  # a strict CSP will come: no inline script


def test_not_found_is_friendly_in_the_readers_language(client: Client) -> None:
    fr = client.get("/fr/nulle-part/")
    en = client.get("/en/nowhere/")
    assert (fr.status_code, en.status_code) == (404, 404)
    assert "<h1>Page introuvable</h1>" in fr.content.decode()
    assert 'href="/fr/"' in fr.content.decode()
    assert "<h1>Page not found</h1>" in en.content.decode()
    assert 'href="/en/"' in en.content.decode()
    other = client.get("/nowhere", HTTP_ACCEPT_LANGUAGE="en")
    assert other.status_code == 404
    assert "Back to the privacy centre" in other.content.decode()


def test_a_console_page_not_found_leads_back_to_the_console(client: Client) -> None:
    from django.test import RequestFactory

    from omni_privacy.portal.home_views import not_found

    request = RequestFactory().get("/console/nowhere/", HTTP_ACCEPT_LANGUAGE="fr")
    response = not_found(request)
    html = response.content.decode()
    assert response.status_code == 404
    assert 'href="/console/"' in html
    assert "Retour à la console" in html


def test_the_server_error_page_is_in_the_readers_language() -> None:
    from django.test import RequestFactory

    from omni_privacy.portal.home_views import server_error

    response = server_error(RequestFactory().get("/en/rights/"))
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()


def test_the_notice_links_the_rights_form_from_9_2_and_12() -> None:
    html = (
        "<p>9.1. Vos droits</p>\n<p>9.2. Exercice de vos droits de protection des données</p>\n"
        "<p>Vous pouvez…</p>\n<p>12. Contactez-nous</p>\n<p>12 pommes</p>"
    )
    linked = _with_rights_links(html, "fr")
    assert linked.count('<a href="/fr/droits/">') == 2
    # As in the published notice: a heading may end the paragraph before it.
    text = (
        "We may not be able to give you\naccess to certain specific features of the Service.\n"
        " 9.2. Exercising Your Rights \n\nYou can exercise your rights by contacting us.\n\n"
        "Changes are effective when posted on our\n\nwebsites.\n\n12. Contact Us\n\n"
        "See section 12. It applies.\n"
    )
    rendered = _with_rights_links(render_html(text), "en")
    assert rendered.count('<p class="rights-link"><a href="/en/rights/">') == 2
    assert re.search(r"9\.2\. Exercice[^<]*</p><p class=\"rights-link\">", linked)
    assert re.search(r"12\. Contactez-nous</p><p class=\"rights-link\">", linked)


def test_forms_render_as_people_expect(client: Client) -> None:
    html = client.get("/en/rights/").content.decode()
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', html)
    # Each radio inside its label, in a fieldset with a legend.
    assert re.search(r'<label for="id_kind_0"><input type="radio" name="kind"', html)
    assert "<legend>Where do you live?</legend>" in html
    assert re.search(r'<label for="id_jurisdiction_3"><input[^>]+value="elsewhere"', html)
    assert re.search(r'<label for="id_direct_marketing"><input type="checkbox"', html)
    info = client.get("/fr/demande-d-information/").content.decode()
    assert re.search(r'<input type="tel" name="phone"', info)


def test_an_error_sits_beside_its_field(client: Client) -> None:
    page = client.get("/en/rights/").content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)[1]  # type: ignore[index]
    response = client.post(
        "/en/rights/",
        {"kind": "access", "email": "", "jurisdiction": "quebec", "form_token": token},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'<input type="email" name="email"[^>]*aria-invalid="true"', html)
    assert re.search(
        r'<small class="error" id="id_email-error">This field is required.</small>', html
    )


def test_the_home_cites_the_notice_in_the_readers_words(client: Client) -> None:
    """The walk: « §2.4 scenario 1 » on the French home; the French notice says « scénario »."""
    french = client.get("/fr/").content.decode()
    english = client.get("/en/").content.decode()
    assert "§2.4 scénario 1" in french
    assert "scenario" not in french
    assert "§2.4 scenario 1" in english
