"""The staff console in a real browser (issue 14 tests b, d, e and the accessibility check):
headless Chromium against a real `omni-privacy serve`, in French and English, at 1,280 and
390 px wide, letters to a loopback SMTP server.

(b) an officer previews an erasure, confirms it; the registry no longer holds the erased
    holding, the kept one stays; the letter's date is within the legal deadline;
(d) the queue filtered and searched (the search posted: no address in any URL);
(e) a sales account meets a translated 403 page with a way back;
axe-core (node_modules/axe-core/axe.min.js, from the npm registry) finds no serious or critical
violation on the console pages. Screenshots go to $OMNI_SHOTS (default /tmp/h14-console-shots).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from omni_privacy.core import clock
from tests.browser.test_rights_portal import _cli, _free_port, browser  # noqa: F401 (fixture)
from tests.dsr.conftest import Mailbox
from tests.factories import ASSESS_RELAY

PASSWORD = "correct-horse-battery-staple-42"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("OMNI_SHOTS", "/tmp/h14-console-shots"))  # noqa: S108
WIDTHS = (1280, 390)


@dataclass
class Console:
    base: str
    cli: object
    mailbox: Mailbox


def _people(path: Path) -> None:
    lines = [
        {
            "type": "organization",
            "id": "acme",
            "name": "Outils Acme",
            "subscriptions": [{"start": "2020-01-01", "end": None}],
        },
        {"type": "organization", "id": "globex", "name": "Globex"},
    ]
    for source, organization, purpose, basis in (
        ("sales", "globex", "sales_information", "consent"),
        ("customer_service", "acme", "service_obligations", "contract"),
    ):
        lines.append(
            {
                "type": "holding",
                "source": source,
                "organization": organization,
                "person": {
                    "full_name": "Camille Tremblay",
                    "email": "camille@example.com",
                    "preferred_language": "fr",
                },
                "purpose": purpose,
                "legal_basis": basis,
                "channel": "email",
                "collected_at": "2026-11-02",
            }
        )
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


@pytest.fixture
def console(tmp_path: Path, smtp: Mailbox, settings) -> Iterator[Console]:
    smtp.in_process = False
    env = {key: value for key, value in os.environ.items() if not key.startswith("OMNI_")}
    env |= {
        "OMNI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "OMNI_VAR_DIR": str(tmp_path / "var"),
        "OMNI_SECRET_KEY": "test-only-secret-key-for-subprocesses",
        "OMNI_SMTP_HOST": "127.0.0.1",
        "OMNI_SMTP_PORT": str(settings.OMNI_SMTP_PORT),
        "OMNI_SMTP_TLS": "none",
        "OMNI_SMTP_RATE": "0",
        "OMNI_SECURE_COOKIES": "false",
        "OMNI_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        # The console's flows, not the second factor (tests/console/test_signin.py): a demo
        # run lets the privacy officer sign in without enrolling one.
        "OMNI_DEMO": "1",
    }

    def cli(*args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [*_cli(), *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    data = tmp_path / "people.jsonl"
    _people(data)
    cli("migrate", "--no-input", "-v", "0")
    cli("shell", "--no-imports", "-c", ASSESS_RELAY)
    cli("import", str(data))
    for username, team in (("pat.officer", "privacy_office"), ("sam.sales", "sales")):
        cli(
            "createstaff",
            "--username",
            username,
            "--team",
            team,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
    port = _free_port()
    with (tmp_path / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [*_cli(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    with urllib.request.urlopen(f"{base}/console/login/", timeout=5) as answer:  # noqa: S310 (loopback)
                        answer.read()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            yield Console(base=base, cli=cli, mailbox=smtp)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def submit(console: Console, email: str, kind: str, jurisdiction: str) -> str:
    out = console.cli(  # type: ignore[operator]
        "dsr",
        "submit",
        "--kind",
        kind,
        "--email",
        email,
        "--jurisdiction",
        jurisdiction,
        "--as",
        "pat.officer",
        "--json",
    )
    return str(json.loads(out)["request_id"])


def signed_in(browser, console: Console, username: str, *, lang: str, width: int):  # noqa: F811
    context = browser.new_context(
        viewport={"width": width, "height": 844}, locale=lang, bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"{console.base}/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").last.click()
    page.wait_for_load_state()
    return context, page


def fits(page) -> None:
    """Issue 14 point 2: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def axe_violations(page) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{item['id']} ({item['impact']}): {item['nodes'][0]['target']}"
        for item in result["violations"]
        if item["impact"] in {"serious", "critical"}
    ]


def test_b_an_erasure_is_previewed_confirmed_and_carried_out(browser, console) -> None:  # noqa: F811
    reference = submit(console, "camille@example.com", "erasure", "pipeda")
    context, page = signed_in(browser, console, "pat.officer", lang="fr-CA", width=390)
    page.goto(f"{console.base}/console/requests/")
    page.locator("#queue a").first.click()
    assert page.locator("#requester-email").inner_text() == "camille@example.com"
    page.get_by_role("button", name="Identité vérifiée par téléphone").click()
    assert "vérifiée par téléphone" in page.locator("#consequence").inner_text()
    page.get_by_role("button", name="Confirmer").click()
    assert page.locator("#requester-name").inner_text() == "Camille Tremblay"
    page.get_by_role("button", name="Voir ce qui sera effacé").click()
    today = clock.today().isoformat()
    erased = page.locator("#erased-list").inner_text()
    kept = page.locator("#kept-list").inner_text()
    assert f"Ventes (Globex)\u00a0: effacés le {today}" in erased
    assert "Service à la clientèle : conservés en vertu de la clause" in kept
    fits(page)
    shot(page, "b-erasure-preview-fr-390")
    page.get_by_role("button", name="Confirmer").click()
    assert page.locator("#state").inner_text() == "Traitée en partie"
    history = page.locator("#history").inner_text()
    assert "Effacement effectué\u00a0: 1 fiche effacée" in history
    assert "rights_request." not in history
    shot(page, "b-erasure-done-fr-390")
    # The registry no longer holds the erased holding; the kept one stays.
    page.goto(f"{console.base}/console/")
    page.get_by_label("Rechercher par nom, courriel ou organisation").fill("camille")
    page.get_by_role("button", name="Rechercher").click()
    rows = page.locator("table tbody tr").all_inner_texts()
    assert len(rows) == 1
    assert "Service à la clientèle" in rows[0]
    assert "camille" not in page.url
    context.close()
    # The letter: what was erased, on which date (not after the legal due date).
    deadline = clock.today() + dt.timedelta(days=30)
    letter = console.mailbox.to("camille@example.com")[-1].get_content()
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", letter.split("Ventes", 1)[1].split("\n", 1)[0])
    assert dates == [today]
    assert all(dt.date.fromisoformat(day) <= deadline for day in dates)
    assert reference


@pytest.mark.parametrize(("lang", "width"), [("en-CA", 1280), ("fr-CA", 390)])
def test_d_the_queue_filtered_and_searched(browser, console, lang: str, width: int) -> None:  # noqa: F811
    submit(console, "camille@example.com", "erasure", "pipeda")
    submit(console, "dana@example.org", "access", "gdpr")
    submit(console, "lee@example.net", "objection", "quebec")
    context, page = signed_in(browser, console, "pat.officer", lang=lang, width=width)
    english = lang.startswith("en")
    page.goto(f"{console.base}/console/requests/")
    assert page.locator("#queue tbody tr").count() == 3
    page.get_by_label("Jurisdiction" if english else "Juridiction").select_option("gdpr")
    page.get_by_role(
        "button", name="Search and filter" if english else "Rechercher et filtrer"
    ).click()
    assert page.locator("#queue tbody tr").count() == 1
    page.get_by_label("Jurisdiction" if english else "Juridiction").select_option("")
    page.get_by_label(
        "Email address or reference" if english else "Adresse courriel ou référence"
    ).fill("LEE@example.net")
    page.get_by_role(
        "button", name="Search and filter" if english else "Rechercher et filtrer"
    ).click()
    rows = page.locator("#queue tbody tr").all_inner_texts()
    assert len(rows) == 1
    assert ("Objection" if english else "Opposition") in rows[0]
    assert "example" not in page.url
    fits(page)
    shot(page, f"d-queue-{lang}-{width}")
    context.close()


def test_e_a_sales_account_meets_a_translated_403_with_a_way_back(browser, console) -> None:  # noqa: F811
    for lang, width, title, back in (
        ("fr-CA", 1280, "Page réservée à une autre équipe", "Retour au registre"),
        ("en-CA", 390, "Not available to your team", "Back to the registry"),
    ):
        context, page = signed_in(browser, console, "sam.sales", lang=lang, width=width)
        response = page.goto(f"{console.base}/console/requests/")
        assert response is not None
        assert response.status == 403
        assert page.locator("h1").inner_text() == title
        fits(page)
        shot(page, f"e-403-{lang}-{width}")
        page.get_by_role("button", name=back).click()
        assert page.url == f"{console.base}/console/"
        assert page.locator("nav.sections").inner_text().count("\n") < 3  # the registry group only
        context.close()


PAGES = (
    "/console/",
    "/console/requests/",
    "/console/retention/",
    "/console/instances/",
    "/console/notices/",
    "/console/consent/",
    "/console/suppressions/",
    "/console/campaigns/",
    "/console/officers/",
    "/console/record/",
    "/console/stores/",
    "/console/tokens/",
    "/console/notices/import/",
    "/console/audit/",
    "/console/no-such-page/",
)


def test_console_pages_fit_and_pass_axe(browser, console) -> None:  # noqa: F811
    submit(console, "camille@example.com", "access", "quebec")
    found: list[str] = []
    for lang in ("fr-CA", "en-CA"):
        for width in WIDTHS:
            context, page = signed_in(browser, console, "pat.officer", lang=lang, width=width)
            page.goto(f"{console.base}/console/requests/")
            page.locator("#queue a").first.click()
            request_page = page.url.removeprefix(console.base)
            page.goto(f"{console.base}/console/")
            person = page.locator("table a[href^='/console/people/']").first.get_attribute("href")
            pages = [*PAGES, request_page, str(person)]
            for path in pages:
                page.goto(f"{console.base}{path}")
                assert page.locator("html").get_attribute("lang") == lang[:2]
                fits(page)  # every console page, at 1,280 and 390 px
                found += [f"{lang} {width} {path}: {v}" for v in axe_violations(page)]
                name = path.strip("/").replace("/", "_")[:40] or "console"
                shot(page, f"page-{name}-{lang}-{width}")
            context.close()
    assert found == []
