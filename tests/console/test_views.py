"""The staff console: sign-in, the registry and the person page (notice §2.3, §4, §8)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from omni_privacy.console.alarms import forget_alarms
from omni_privacy.console.login import login_token
from omni_privacy.registry.models import Holding
from tests.console.conftest import PASSWORD, TODAY, record

pytestmark = pytest.mark.django_db

REGISTRY = "/console/"
LOGIN = "/console/login/"


def person_url(holding: Holding) -> str:
    assert holding.person is not None
    return reverse("console:person", args=[holding.person.public_id])


def listed(response) -> list[tuple[str, str]]:
    return [(row.holding.full_name, row.holding.source) for row in response.context["rows"]]


def in_english(user) -> None:
    """Staff language is saved on the account (no language cookie)."""
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])


def test_urls_are_where_the_settings_expect_them() -> None:
    assert (reverse("console:registry"), reverse("console:login")) == (REGISTRY, LOGIN)
    assert reverse("console:logout") == "/console/logout/"


def test_anonymous_is_sent_to_sign_in(client: Client, holdings) -> None:
    for url in (REGISTRY, person_url(holdings["camille_sales"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={url}"


def test_the_console_root_is_not_the_site_root(client: Client) -> None:
    # "/" is the public privacy centre (tests/portal/test_home.py); the console is /console/.
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response["Location"]) == (302, "/en/")


def test_sales_user_sees_only_sales_holdings(client: Client, sales_user, holdings) -> None:
    client.force_login(sales_user)
    response = client.get(REGISTRY)
    assert response.status_code == 200
    assert listed(response) == [
        ("Alex Roy", "sales"),
        ("Camille Tremblay", "sales"),
        ("Jordan Lévesque", "sales"),
    ]
    html = response.content.decode()
    assert "Morgan Côté" not in html
    assert "camille@example.com" not in html


def test_sales_user_gets_404_for_a_person_held_only_by_customer_service(
    client: Client, sales_user, holdings
) -> None:
    client.force_login(sales_user)
    assert client.get(person_url(holdings["morgan_service"])).status_code == 404
    # Same answer as for a person who does not exist: nothing is revealed.
    unknown = reverse("console:person", args=[uuid.uuid4()])
    assert client.get(unknown).status_code == 404


def test_sales_user_sees_only_the_sales_holding_of_a_shared_person(
    client: Client, sales_user, holdings
) -> None:
    client.force_login(sales_user)
    response = client.get(person_url(holdings["camille_sales"]))
    assert response.status_code == 200
    assert [view.holding.source for view in response.context["holdings"]] == ["sales"]
    assert "+15145550123" not in response.content.decode()


def test_privacy_officer_sees_every_holding(client: Client, officer, holdings) -> None:
    client.force_login(officer)
    response = client.get(REGISTRY)
    assert listed(response) == [
        ("Alex Roy", "sales"),
        ("Camille Tremblay", "customer_service"),
        ("Camille Tremblay", "sales"),
        ("Jordan Lévesque", "sales"),
        ("Morgan Côté", "customer_service"),
    ]
    response = client.get(person_url(holdings["camille_service"]))
    assert [view.holding.source for view in response.context["holdings"]] == [
        "customer_service",
        "sales",
    ]


def test_search_by_name(client: Client, officer, holdings) -> None:
    client.force_login(officer)
    response = client.post(REGISTRY, {"q": "camille"})
    assert listed(response) == [
        ("Camille Tremblay", "customer_service"),
        ("Camille Tremblay", "sales"),
    ]
    assert 'value="camille"' in response.content.decode()


def test_search_by_organisation(client: Client, officer, holdings) -> None:
    client.force_login(officer)
    response = client.post(REGISTRY, {"q": "Boréal"})
    assert listed(response) == [("Jordan Lévesque", "sales"), ("Morgan Côté", "customer_service")]
    response = client.post(REGISTRY, {"q": "acme"})
    assert listed(response) == [
        ("Alex Roy", "sales"),
        ("Camille Tremblay", "customer_service"),
        ("Camille Tremblay", "sales"),
    ]


def test_search_stays_within_the_users_sources(client: Client, sales_user, holdings) -> None:
    client.force_login(sales_user)
    assert listed(client.post(REGISTRY, {"q": "Morgan"})) == []


def test_registry_row_shows_labels_clause_and_dates(client: Client, officer, holdings) -> None:
    in_english(officer)
    client.force_login(officer, backend=None)
    response = client.post(REGISTRY, {"q": "Jordan"})
    (row,) = response.context["rows"]
    assert (
        row.source,
        row.purpose,
        row.legal_basis,
        row.clause,
        row.state,
        str(row.holding.due_at),
        str(row.holding.deadline_at),
        row.status,
    ) == (
        "Sales",
        "Responding to requests for information (sales process)",
        "Consent",
        "§4 ¶3",
        "Active",
        "2026-01-15",
        "2026-03-16",
        "overdue",
    )
    html = response.content.decode()
    assert f'href="{person_url(holdings["jordan_sales"])}"' in html


def test_person_page_shows_values_clause_due_date_and_overdue_in_red(
    client: Client, officer, holdings
) -> None:
    in_english(officer)
    client.force_login(officer)
    response = client.get(person_url(holdings["jordan_sales"]))
    assert response.status_code == 200
    (view,) = response.context["holdings"]
    assert [(field.label, field.value) for field in view.fields] == [
        ("Full name", "Jordan Lévesque"),
        ("Email address", "jordan@example.org"),
        ("Preferred language", "Français"),
    ]
    assert (view.clause, view.action, view.channel, view.status_label) == (
        "§4 ¶3",
        "Anonymize",
        "Email",
        "Overdue",
    )
    html = response.content.decode()
    assert (
        "§4 ¶3: 5 years after the last contact, then deleted or anonymized within 60 days" in html
    )
    assert '<time datetime="2026-01-15">2026-01-15</time>' in html
    assert '<time datetime="2026-03-16">2026-03-16</time>' in html
    assert '<span class="status status-overdue">Overdue</span>' in html
    assert "Boréal Logistique" in html


def test_person_page_statuses(client: Client, officer, holdings) -> None:
    client.force_login(officer)
    statuses = {}
    for key, holding in holdings.items():
        (view,) = [
            v
            for v in client.get(person_url(holding)).context["holdings"]
            if v.holding.pk == holding.pk
        ]
        statuses[key] = (view.status, view.clause)
    assert statuses == {
        "camille_service": ("kept", "§4 ¶2"),
        "camille_sales": ("scheduled", "§4 ¶3"),
        "jordan_sales": ("overdue", "§4 ¶3"),
        "alex_sales": ("due", "§4 ¶3"),
        "morgan_service": ("overdue", "§4 ¶2"),
    }


def test_ended_holdings_are_listed_without_values(client: Client, officer, acme, holdings) -> None:
    ended = record(
        acme,
        source="administrative",
        full_name="Camille Tremblay",
        email="camille@example.com",
        collected_at=TODAY.replace(year=2022),
        phone="+1 613 555 0100",
    )
    Holding.objects.filter(pk=ended.pk).update(
        state="deleted", full_name=None, email=None, phone=None, preferred_language=None
    )
    in_english(officer)
    client.force_login(officer)
    response = client.get(person_url(holdings["camille_sales"]))
    assert [(v.holding.source, v.state, v.fields) for v in response.context["ended"]] == [
        ("administrative", "Deleted", ())
    ]
    html = response.content.decode()
    assert "Holdings no longer kept" in html
    assert "+16135550100" not in html


def test_person_with_only_ended_holdings_is_not_found(client: Client, officer, acme) -> None:
    holding = record(
        acme,
        source="sales",
        full_name="Sacha Bélanger",
        email="sacha@example.com",
        collected_at=TODAY,
    )
    url = person_url(holding)
    Holding.objects.filter(pk=holding.pk).update(state="anonymized", full_name=None, email=None)
    client.force_login(officer)
    assert client.get(url).status_code == 404


def test_registry_paginates_fifty_a_page(client: Client, officer, acme) -> None:
    for index in range(51):
        record(
            acme,
            source="sales",
            full_name=f"Personne {index:02d}",
            email=f"personne{index}@example.com",
            collected_at=TODAY,
        )
    client.force_login(officer)
    first = client.post(REGISTRY, {"q": "personne"})
    assert len(first.context["rows"]) == 50
    html = first.content.decode()
    assert 'name="page" value="2"' in html
    assert "q=personne" not in html  # issue 14: a search never goes into a URL
    second = client.post(REGISTRY, {"q": "personne", "page": "2"})
    assert listed(second) == [("Personne 50", "sales")]


def test_page_is_french_by_default_and_english_after_choosing_it(
    client: Client, officer, holdings
) -> None:
    client.force_login(officer)
    html = client.get(REGISTRY).content.decode()
    assert '<html lang="fr"' in html
    assert "Registre des renseignements personnels détenus" in html
    assert "Compte\u00a0: Pat Gagnon (Bureau de la protection des renseignements" in html
    assert "Ventes" in html

    response = client.post("/console/language/", {"language": "en", "next": REGISTRY})
    assert (response.status_code, response["Location"]) == (302, REGISTRY)
    # Notice §2.3: no language cookie; the choice lives in the authentication session.
    assert set(response.cookies) <= {"omni_session"}
    officer.refresh_from_db()
    assert officer.preferred_language == "en"

    html = client.get(REGISTRY).content.decode()
    assert '<html lang="en"' in html
    assert "Registry of personal data held" in html
    assert "Signed in as Pat Gagnon (Privacy office)" in html
    assert "Responding to requests for information (sales process)" in html


def test_sign_in_sets_exactly_one_cookie_httponly_strict(sales_user) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert list(page.cookies) == []  # notice §2.3: no cookie before sign-in
    token = re.search(r'name="login_token" value="([^"]+)"', page.content.decode())
    assert token is not None
    response = client.post(
        LOGIN, {"username": "sam.sales", "password": PASSWORD, "login_token": token[1]}
    )
    assert (response.status_code, response["Location"]) == (302, REGISTRY)
    assert list(response.cookies) == ["omni_session"]
    cookie = response.cookies["omni_session"]
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Strict")
    assert client.get(REGISTRY).status_code == 200


def test_sign_in_with_a_wrong_password_is_refused(client: Client, officer) -> None:
    response = client.post(
        LOGIN + "?lang=en",
        {"username": "pat.officer", "password": "not-the-password", "login_token": login_token()},
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert client.get(REGISTRY).status_code == 302


def test_sign_out_is_a_post(client: Client, officer) -> None:
    client.force_login(officer)
    assert client.get("/console/logout/").status_code == 405
    response = client.post("/console/logout/")
    assert (response.status_code, response["Location"]) == (302, LOGIN)
    assert client.get(REGISTRY).status_code == 302


EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']\s*(?:[a-z][a-z0-9+.-]*:)?//""", re.I)


def test_no_page_loads_anything_from_another_host(client: Client, officer, holdings) -> None:
    pages = [client.get(LOGIN).content.decode()]
    client.force_login(officer)
    pages.append(client.get(REGISTRY).content.decode())
    pages.append(client.get(person_url(holdings["camille_service"])).content.decode())
    for html in pages:
        assert EXTERNAL.findall(html) == []
        assert "<script" not in html
        assert '<link rel="stylesheet" href="/static/console/console.css">' in html


@pytest.mark.parametrize("count", [1, 10])
def test_registry_query_count_does_not_grow_with_rows(
    client: Client, officer, acme, django_assert_num_queries, count
) -> None:
    for index in range(count):
        record(
            acme,
            source="sales",
            full_name=f"Personne {index:02d}",
            email=f"personne{index}@example.com",
            collected_at=TODAY,
        )
    client.force_login(officer)
    client.get(REGISTRY)  # the first page of a session stores its CSRF token in the session
    forget_alarms()
    # Session, user, retention figures, last run, the audit head, instance syncs, rights-request
    # figures, overdue requests, external stores and undelivered mail (the dashboard), page
    # count, rows. +2 queries since issue 16: the transfers alarms of the dashboard (notice §6),
    # open incidents and the last conformance run.
    with django_assert_num_queries(16):
        response = client.get(REGISTRY)
    assert len(response.context["rows"]) == count
    # The next view, with nothing recorded in between, finds the alarms kept: the audit head
    # instead of the alarms' nine queries (console/alarms.py).
    with django_assert_num_queries(7):
        response = client.get(REGISTRY)
    assert len(response.context["rows"]) == count


def test_login_page_sets_no_cookie_and_follows_lang_parameter(client: Client) -> None:
    response = client.get(LOGIN, {"lang": "en"})
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
    assert list(response.cookies) == []


def test_language_switch_refuses_an_outside_redirect(client: Client, officer) -> None:
    client.force_login(officer)
    response = client.post(
        "/console/language/", {"language": "en", "next": "https://evil.example.org/"}
    )
    assert (response.status_code, response["Location"]) == (302, REGISTRY)


def test_sign_in_without_a_valid_token_or_from_another_origin_is_refused(
    client: Client, officer
) -> None:
    credentials = {"username": "pat.officer", "password": PASSWORD}
    assert client.post(LOGIN, credentials).status_code == 403
    assert client.post(LOGIN, {**credentials, "login_token": "forged"}).status_code == 403
    foreign = client.post(
        LOGIN,
        {**credentials, "login_token": login_token()},
        headers={"Origin": "https://evil.example.org"},
    )
    assert foreign.status_code == 403
    assert client.get(REGISTRY).status_code == 302


def test_the_officers_sections_are_in_the_menu_of_privacy_officers_only(
    client: Client, officer, sales_user
) -> None:
    """The menu asks accounts.permissions (the `is_privacy_officer` template filter)."""
    sections = re.compile(r'<nav class="sections"[^>]*>(.*?)</nav>', re.S)
    links = re.compile(r'<a href="(/console/[^"]*)"')
    menus = {}
    for user in (officer, sales_user):
        client.force_login(user)
        match = sections.search(client.get(REGISTRY).content.decode())
        assert match is not None
        menus[user.team] = links.findall(match[1])
    assert menus["sales"] == ["/console/", "/console/record/", "/console/account/"]
    assert menus["privacy_office"][:4] == [
        "/console/requests/",
        "/console/",
        "/console/record/",
        "/console/retention/",
    ]
    # With External stores, API tokens, Second factors, My account and the Registers group
    # (which holds the audit log, issue 15 point 3).
    assert len(menus["privacy_office"]) == 21
    assert "/console/audit/" in menus["privacy_office"]


def test_the_menu_is_grouped_in_seven_entries_or_fewer(client: Client, officer) -> None:
    """Issue 14 point 2: groups (requests, registry, retention, collection, notices and
    mailings, settings) instead of ten links in a row."""
    client.force_login(officer)
    html = client.get(REGISTRY).content.decode()
    nav = re.search(r'<nav class="sections"[^>]*>\s*<ul>(.*)</ul>\s*</nav>', html, re.S)
    assert nav is not None
    top = re.sub(r"<ul>.*?</ul>", "", nav[1], flags=re.S)  # drop the groups' own lists
    assert top.count("<li>") == 7  # with Registers (issue 16)
    assert "<summary" in nav[1]
    assert "Avis et envois" in nav[1]


def test_the_console_follows_the_browser_language_until_one_is_chosen(
    client: Client, officer
) -> None:
    client.force_login(officer)  # account language: French (the default)
    english = client.get(REGISTRY, headers={"accept-language": "en-CA,en;q=0.8"})
    assert '<html lang="en"' in english.content.decode()
    client.post("/console/language/", {"language": "fr", "next": REGISTRY})
    chosen = client.get(REGISTRY, headers={"accept-language": "en-CA,en;q=0.8"})
    assert '<html lang="fr"' in chosen.content.decode()
    assert "django_language" not in chosen.cookies


def test_a_registry_search_in_the_query_string_is_ignored(client: Client, officer, holdings):
    """Searches by email are posted: a ?q= (browser history, proxy logs) is not a search."""
    client.force_login(officer)
    everything = client.get(REGISTRY)
    assert client.get(REGISTRY, {"q": "camille"}).context["query"] == ""
    assert len(client.get(REGISTRY, {"q": "camille"}).context["rows"]) == len(
        everything.context["rows"]
    )


def test_registry_pages_by_keyset_forward_and_back(client: Client, officer, acme) -> None:
    """Issue 18 point 5: the next and previous pages are found from their neighbour, not by
    OFFSET; names without a value sort first, and the links carry ids, never names."""
    for index in range(105):
        record(
            acme,
            source="sales",
            full_name=f"Personne {index:03d}",
            email=f"personne{index}@example.com",
            collected_at=TODAY,
        )
    client.force_login(officer)
    first = client.get(REGISTRY)
    assert first.context["page"].has_next
    assert not first.context["page"].has_previous
    html = first.content.decode()
    assert "Page 1 of 3" in html or "Page 1 sur 3" in html
    after = first.context["page"].last
    assert f"?after={after}&amp;page=2" in html
    assert "Personne" not in html.split('rel="next"')[1].split(">")[0]
    second = client.get(REGISTRY, {"after": str(after), "page": "2"})
    names = [row.holding.full_name for row in second.context["rows"]]
    assert names[0] == "Personne 050"
    assert names[-1] == "Personne 099"
    third = client.get(REGISTRY, {"after": str(second.context["page"].last), "page": "3"})
    assert [row.holding.full_name for row in third.context["rows"]] == [
        f"Personne {index:03d}" for index in range(100, 105)
    ]
    assert not third.context["page"].has_next
    back = client.get(REGISTRY, {"before": str(third.context["page"].first), "page": "2"})
    assert [row.holding.full_name for row in back.context["rows"]] == names
    assert back.context["page"].has_previous
    assert back.context["page"].has_next


def test_the_language_switch_names_the_language_it_switches_to(
    client: Client, officer, holdings
) -> None:
    """The walk: the switch looked inverted (it showed both, the current one pressed)."""
    client.force_login(officer)
    html = client.get(REGISTRY).content.decode()
    switch = html[html.index('class="inline languages"') :]
    switch = switch[: switch.index("</form>")]
    assert (
        '<button type="submit" name="language" value="en" lang="en" class="secondary outline">'
        "English</button>"
    ) in switch
    assert 'value="fr"' not in switch


def test_a_console_404_speaks_the_language_chosen_in_the_console(
    client: Client, officer, holdings
) -> None:
    client.force_login(officer)
    client.post("/console/language/", {"language": "en", "next": REGISTRY})
    page = client.get("/console/no-such-page/", headers={"accept-language": "fr-CA"})
    assert page.status_code == 404
    assert '<html lang="en"' in page.content.decode()
