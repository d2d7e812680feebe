"""The public privacy notice (notice §11, §12; REQUIREMENTS #25, #26): the version in force in
French and English, each published version, the history and the diff; drafts and versions not
yet in force are never shown as current; no cookie, nothing from another site."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.notices.conftest import make_version

pytestmark = pytest.mark.django_db
FR, EN = "/fr/avis-de-confidentialite", "/en/privacy-notice"


@pytest.fixture(autouse=True)
def _today():
    moment = dt.datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("America/Toronto"))
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def versions() -> None:
    make_version(1, dt.date(2023, 1, 1))
    make_version(2, dt.date(2024, 2, 8))
    make_version(3, dt.date(2027, 1, 1))  # published, not yet in force
    make_version(4, dt.date(2027, 6, 1), publish=False)  # a draft


def _page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    assert response.cookies == {}
    assert "Set-Cookie" not in response
    return response.content.decode()


def _no_other_site(html: str) -> None:
    """Nothing loaded or linked from another site: every URL is a path on this one."""
    assert (
        re.findall(r'(?:src|href|action)="(?!/|#main"|mailto:info@omni-assistant\.net)[^"]*"', html)
        == []
    )
    assert "http" not in html.replace("http-equiv", "")


def test_the_french_page_shows_the_version_in_force(client: Client, versions) -> None:
    html = _page(client, FR)
    assert '<html lang="fr"' in html
    assert '<dd class="notice-identifier">QAC-REC-004</dd>' in html
    assert '<dd class="notice-version">2</dd>' in html
    assert '<time datetime="2024-02-08">2024-02-08</time>' in html
    assert '<dd class="notice-published"><time datetime="2026-11-20">2026-11-20</time></dd>' in html
    assert '<dd class="notice-classification">Public</dd>' in html
    assert "<h2>1. But</h2>\n<p>Omni conserve les données 2 ans.</p>" in html
    assert "keeps data" not in html
    assert (
        "Chez Omni, le PDG et le chef d’équipe Assurance Qualité assument conjointement le rôle "
        "de responsable de la protection des renseignements personnels."
    ) in html
    assert '<a href="mailto:info@omni-assistant.net">info@omni-assistant.net</a>' in html
    assert '<a href="/en/privacy-notice" hreflang="en" lang="en">English</a>' in html
    _no_other_site(html)


def test_the_english_page_shows_the_same_version(client: Client, versions) -> None:
    html = _page(client, EN)
    assert '<html lang="en"' in html
    assert '<dd class="notice-version">2</dd>' in html
    assert "<h2>1. Purpose</h2>\n<p>Omni keeps data for 2 years.</p>" in html
    assert (
        "At Omni, the CEO and the Quality Assurance team leader jointly hold the role of privacy "
        "officer"
    ) in html
    assert '<a href="/fr/avis-de-confidentialite" hreflang="fr" lang="fr">Français</a>' in html
    _no_other_site(html)


def test_the_history_lists_published_versions_with_their_summaries_never_drafts(
    client: Client, versions
) -> None:
    html = _page(client, EN)
    history = html[html.index('<section id="history"') :]
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", history, re.S
    )
    on = "2026-11-20"
    assert rows == [
        ('<a href="/en/privacy-notice/v/3">Version 3</a> (upcoming)', "2027-01-01", on,
         "Period: 3 years."),
        ('<a href="/en/privacy-notice/v/2">Version 2</a> <strong>(in force)</strong>',
         "2024-02-08", on, "Period: 2 years."),
        ('<a href="/en/privacy-notice/v/1">Version 1</a>', "2023-01-01", on, "Period: 1 years."),
    ]  # fmt: skip
    assert "4 years" not in html
    assert "Version 4" not in html
    fr = _page(client, FR)
    assert "Durée : 3 ans." in fr
    assert "Durée : 4 ans." not in fr


def test_a_draft_and_a_version_not_yet_in_force_are_not_current(client: Client) -> None:
    make_version(1, dt.date(2023, 1, 1))
    make_version(2, dt.date(2026, 12, 1))  # published ahead of its date
    make_version(3, dt.date(2026, 12, 1), publish=False)
    html = _page(client, EN)
    assert '<dd class="notice-version">1</dd>' in html
    assert "Omni keeps data for 1 years." in html
    assert "Omni keeps data for 2 years." not in html
    assert "Omni keeps data for 3 years." not in html
    assert _page(client, "/en/privacy-notice/v/3", status=404).count("3 years") == 0
    upcoming = _page(client, "/en/privacy-notice/v/2")
    assert "This version comes into force on 2026-12-01." in upcoming
    assert "Omni keeps data for 2 years." in upcoming


def test_each_published_version_has_its_own_page(client: Client, versions) -> None:
    html = _page(client, "/fr/avis-de-confidentialite/v/1")
    assert '<dd class="notice-version">1</dd>' in html
    assert "Omni conserve les données 1 ans." in html
    assert "Cette version n’est plus en vigueur." in html
    assert '<a href="/en/privacy-notice/v/1" hreflang="en" lang="en">English</a>' in html
    current = _page(client, "/en/privacy-notice/v/2")
    assert "This is the version in force." in current
    _page(client, "/en/privacy-notice/v/4", status=404)
    _page(client, "/en/privacy-notice/v/99", status=404)


def test_the_diff_between_two_published_versions(client: Client, versions) -> None:
    html = _page(client, "/en/privacy-notice/compare?from=1&to=3")
    assert (
        '<div class="diff"><p class="diff-same">## 1. Purpose</p>'
        '<p class="diff-changed">Omni keeps data for <del>1</del><ins>3</ins> years.</p></div>'
    ) in html
    assert "Notice QAC-REC-004: from version 1 to version 3." in html
    assert '<a href="/fr/avis-de-confidentialite/comparer?from=1&amp;to=3"' in html
    fr = _page(client, "/fr/avis-de-confidentialite?from=2&to=3")
    assert (
        '<p class="diff-changed">Omni conserve les données <del>2</del><ins>3</ins> ans.</p>' in fr
    )
    _no_other_site(fr)
    assert "<del>" not in _page(client, "/en/privacy-notice/compare?from=2&to=4", status=404)
    _page(client, "/en/privacy-notice/compare?from=x&to=2", status=404)
    assert "Choose two published versions to compare." in _page(
        client, "/en/privacy-notice/compare"
    )


def test_no_notice_published_yet(client: Client) -> None:
    make_version(1, dt.date(2023, 1, 1), publish=False)
    html = _page(client, EN, status=404)
    assert "No privacy notice is in force yet." in html
    assert "1 years" not in html
