"""End to end in a real browser (issue 6 item 9): headless Chromium (Debian's `chromium`)
against a real `omni-privacy serve` process on a scratch SQLite file, with letters going to
a loopback SMTP server (aiosmtpd), in French: submit a request → read the code from the
mailbox → verify → a privacy officer answers from the console (another browser context) →
download the report. No cookie before verification; exactly the session cookie after.

Without /usr/bin/chromium the test is skipped with a message; under CI=true it fails instead
(.ci/run installs the package).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dsr.conftest import Mailbox
from tests.factories import ASSESS_RELAY

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct-horse-battery-staple-42"
STARTUP_SECONDS = 30


def _need_chromium() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing: apt-get install -y chromium"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is missing: pip install -e '.[dev]'"
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser test cannot run under CI=true: {problem}")
        pytest.skip(f"browser test skipped: {problem}")


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("omni-privacy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "omni_privacy"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path, smtp: Mailbox, settings) -> Iterator[str]:
    smtp.in_process = False  # the server process's outbox delivers, right after each commit
    env = {key: value for key, value in os.environ.items() if not key.startswith("OMNI_")}
    env |= {
        "OMNI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "OMNI_VAR_DIR": str(tmp_path / "var"),
        "OMNI_SECRET_KEY": "test-only-secret-key-for-subprocesses",
        "OMNI_SMTP_HOST": "127.0.0.1",
        "OMNI_SMTP_PORT": str(settings.OMNI_SMTP_PORT),
        "OMNI_SMTP_TLS": "none",
        "OMNI_SMTP_RATE": "0",
        "OMNI_SECURE_COOKIES": "false",  # plain HTTP on loopback
        "OMNI_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        # The request flows, not the second factor (tests/console/test_signin.py): a demo run
        # lets the privacy officer sign in without enrolling one.
        "OMNI_DEMO": "1",
    }

    def cli(*args: str, stdin: str | None = None) -> None:
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

    data = tmp_path / "people.jsonl"
    data.write_text(
        json.dumps({"type": "organization", "id": "globex", "name": "Globex"})
        + "\n"
        + json.dumps(
            {
                "type": "holding",
                "source": "sales",
                "organization": "globex",
                "person": {
                    "full_name": "Camille Tremblay",
                    "email": "camille@example.com",
                    "preferred_language": "fr",
                },
                "purpose": "sales_information",
                "legal_basis": "consent",
                "channel": "form",
                "collected_at": "2026-11-02",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    cli("migrate", "--no-input", "-v", "0")
    cli("shell", "--no-imports", "-c", ASSESS_RELAY)
    cli("import", str(data))
    cli(
        "createstaff",
        "--username",
        "pat.officer",
        "--team",
        "privacy_office",
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
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                assert process.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    with urllib.request.urlopen(f"{base}/fr/droits/", timeout=5) as response:  # noqa: S310 (loopback)
                        response.read()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


@pytest.fixture
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


def test_submit_verify_download_in_french(
    server: str, browser, smtp: Mailbox, tmp_path: Path
) -> None:
    person = browser.new_context(accept_downloads=True, locale="fr-CA")
    page = person.new_page()
    page.goto(f"{server}/fr/droits/")
    assert page.locator("h1").inner_text() == "Exercer vos droits en matière de vie privée"
    assert person.cookies() == []

    page.get_by_label(
        "Savoir quels renseignements vous détenez à mon sujet et en obtenir une copie (accès)"
    ).check()
    page.get_by_label("Adresse courriel").fill("camille@example.com")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_selector("text=Vérifier votre identité")
    assert person.cookies() == []

    deadline = time.monotonic() + 10
    while not smtp.to("camille@example.com") and time.monotonic() < deadline:
        time.sleep(0.1)
    page.get_by_label("Code de vérification").fill(smtp.last_code("camille@example.com"))
    page.get_by_role("button", name="Vérifier", exact=True).click()
    page.wait_for_url(f"{server}/fr/droits/suivi/")
    assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in person.cookies()] == [
        ("omni_session", True, "Lax")
    ]
    assert (
        page.locator("#state").inner_text() == "Identité vérifiée\u00a0; en attente de traitement"
    )

    # A privacy officer answers from the console, in a browser of their own.
    staff = browser.new_context(locale="fr-CA")
    console = staff.new_page()
    console.goto(f"{server}/console/login/")
    console.fill("input[name=username]", "pat.officer")
    console.fill("input[name=password]", PASSWORD)
    console.get_by_role("button", name="Se connecter").click()
    console.goto(f"{server}/console/requests/")
    console.locator("#queue a").first.click()
    console.get_by_role("button", name="Répondre et envoyer la lettre").click()
    assert "envoyée à la personne" in console.locator("#consequence").inner_text()
    console.get_by_role("button", name="Confirmer").click()
    assert console.locator("#state").inner_text() == "Traitée"
    staff.close()

    page.reload()
    assert page.locator("#state").inner_text() == "Réponse envoyée"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Rapport d’accès (HTML)").click()
    saved = tmp_path / "report.html"
    download_info.value.save_as(saved)
    report = saved.read_text(encoding="utf-8")
    assert "Nom complet : Camille Tremblay" in report
    assert "Ventes · Globex" in report
    assert [c["name"] for c in person.cookies()] == ["omni_session"]
    person.close()
