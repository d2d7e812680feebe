"""The public portal as a person meets it (issue 14 tests a and c), in a real browser against a
real `omni-privacy serve`, in French and English, on a desktop (1,280 px) and a phone (390 px):
from the privacy centre's home, submit a request, close the tab, resume from the mail's link,
verify, then withdraw the request after its confirmation. On every page: no sideways scrolling
and no serious or critical accessibility violation (axe-core, injected into the page).

Screenshots go to $OMNI_SHOTS_DIR when it is set (a person looks at them).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from tests.browser.test_rights_portal import browser, server  # noqa: F401 - fixtures
from tests.dsr.conftest import Mailbox

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
EMAIL = "camille@example.com"
WORDS = {
    "fr": {
        "locale": "fr-CA",
        "home": "Centre de confidentialité",
        "exercise": "Exercer vos droits",
        "access": (
            "Savoir quels renseignements vous détenez à mon sujet et en obtenir une copie (accès)"
        ),
        "email": "Adresse courriel",
        "elsewhere": "Ailleurs",
        "send": "Envoyer ma demande",
        "verify_title": "Vérifier votre identité",
        "code": "Code de vérification",
        "verify": "Vérifier",
        "verified": "Identité vérifiée\u00a0; en attente de traitement",
        "withdraw": "Retirer ma demande",
        "confirm": "Oui, retirer ma demande",
        "withdrawn": "Retirée",
        "others": [
            "/fr/droits/retrouver/",
            "/fr/avis-de-confidentialite",
            "/fr/demande-d-information/",
            "/fr/controle-global-de-confidentialite",
            "/fr/nulle-part/",
        ],
    },
    "en": {
        "locale": "en-CA",
        "home": "Privacy centre",
        "exercise": "Exercise your rights",
        "access": "Know what information you hold about me and get a copy (access)",
        "email": "Email address",
        "elsewhere": "Elsewhere",
        "send": "Send my request",
        "verify_title": "Verify your identity",
        "code": "Verification code",
        "verify": "Verify",
        "verified": "Identity verified; waiting to be handled",
        "withdraw": "Withdraw my request",
        "confirm": "Yes, withdraw my request",
        "withdrawn": "Withdrawn",
        "others": [
            "/en/rights/find/",
            "/en/privacy-notice",
            "/en/information-request/",
            "/en/global-privacy-control",
            "/en/nowhere/",
        ],
    },
}


def _check_page(page, name: str) -> None:
    """No sideways scrolling, no serious or critical axe violation; a screenshot if asked."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name}: {width[0]} px wide in a {width[1]} px window"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in json.loads(result)["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"
    shots = os.environ.get("OMNI_SHOTS_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)


def _mail_path(smtp: Mailbox, count: int) -> str:
    deadline = time.monotonic() + 10
    while len(smtp.to(EMAIL)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    body = smtp.to(EMAIL)[-1].get_content()
    match = re.search(r"^https?://[^/\s]+(/\S+)\r?$", body, re.MULTILINE)
    assert match is not None, body
    return match[1]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_submit_close_resume_verify_and_withdraw(
    server: str,  # noqa: F811
    browser,  # noqa: F811
    smtp: Mailbox,
    language: str,
    width: int,
) -> None:
    words = WORDS[language]
    tag = f"{language}-{width}"
    # bypass_csp: the test injects axe-core as an inline script; the site itself sends a strict
    # CSP (tests/core/test_security_headers.py), which would block it.
    person = browser.new_context(
        locale=words["locale"],
        viewport={"width": width, "height": 844 if width < 500 else 900},
        bypass_csp=True,
    )
    page = person.new_page()
    page.goto(f"{server}/")
    page.wait_for_url(f"{server}/{language}/")
    assert page.locator("h1").inner_text() == words["home"]
    _check_page(page, f"{tag}-01-home")

    page.get_by_role("button", name=words["exercise"], exact=True).click()
    page.get_by_label(words["access"]).check()
    page.get_by_label(words["email"]).fill(EMAIL)
    page.get_by_label(words["elsewhere"], exact=True).check()
    _check_page(page, f"{tag}-02-form")
    page.get_by_role("button", name=words["send"]).click()
    page.wait_for_selector(f"h1:text('{words['verify_title']}')")
    _check_page(page, f"{tag}-03-verify")
    assert person.cookies() == []
    page.close()  # the person closes the tab

    resumed = person.new_page()
    resumed.goto(server + _mail_path(smtp, 1))
    assert resumed.locator("h1").inner_text() == words["verify_title"]
    resumed.reload()  # a reload is harmless
    resumed.get_by_label(words["code"]).fill(smtp.last_code(EMAIL))
    resumed.get_by_role("button", name=words["verify"], exact=True).click()
    resumed.wait_for_url(re.compile(r".*/(suivi|status)/$"))
    assert resumed.locator("#state").inner_text() == words["verified"]
    _check_page(resumed, f"{tag}-04-status")

    resumed.get_by_role("button", name=words["withdraw"]).click()
    _check_page(resumed, f"{tag}-05-withdraw")
    resumed.get_by_role("button", name=words["confirm"]).click()
    resumed.wait_for_url(re.compile(r".*\?withdrawn=1$"))
    assert resumed.locator("#state").inner_text() == words["withdrawn"]
    _check_page(resumed, f"{tag}-06-withdrawn")

    for number, path in enumerate(words["others"], start=7):
        resumed.goto(server + path)
        _check_page(resumed, f"{tag}-{number:02d}-{path.strip('/').replace('/', '-')}")
    person.close()
