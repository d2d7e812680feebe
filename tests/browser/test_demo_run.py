"""The demo as `make run` starts it, in a real browser (issue 14 points 7 and 8): bootstrap with
OMNI_DEMO and no SMTP host, then a real `omni-privacy serve` (two workers: "Sync now" pulls
from the application itself). The dashboard raises no sync alarm (the demo's instances show a
last sync), "Sync now" on the demo instance applies its export, mail is kept in the
development mailbox, which privacy officers read and a sales account may not open; every page
fits 390 px. Screenshots go to $OMNI_SHOTS (default /tmp/h14-console-shots).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.test_console import fits, shot
from tests.browser.test_rights_portal import _cli, _free_port, browser  # noqa: F401 (fixture)

PASSWORD = "demo-passphrase-for-the-browser-test"


@dataclass
class Demo:
    base: str
    cli: Callable[..., str]
    mailbox: Path


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OMNI_")}
    port = _free_port()
    env |= {
        "OMNI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "OMNI_VAR_DIR": str(tmp_path / "var"),
        "OMNI_MAILBOX_DIR": str(tmp_path / "mailbox"),
        "OMNI_SECRET_KEY": "test-only-secret-key-for-subprocesses",
        "OMNI_SECURE_COOKIES": "false",
        "OMNI_DEMO": "1",
        "OMNI_DEMO_PASSWORD": PASSWORD,
        "OMNI_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "OMNI_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }

    def cli(*args: str) -> str:
        done = subprocess.run(
            [*_cli(), *args], env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    cli("migrate", "--no-input", "-v", "0")
    said = cli("bootstrap", "--host", "127.0.0.1", "--port", str(port))
    assert "First retention sweep as of" in said or "Premier balayage" in said
    with (tmp_path / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [*_cli(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
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
            yield Demo(base=base, cli=cli, mailbox=tmp_path / "mailbox")
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def _signed_in(browser, demo: Demo, username: str, *, lang: str, width: int):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 844}, locale=lang)
    page = context.new_page()
    page.goto(f"{demo.base}/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").last.click()
    page.wait_for_load_state()
    return context, page


def test_the_demo_syncs_out_of_the_box_and_keeps_its_mail(browser, demo: Demo) -> None:  # noqa: F811
    demo.cli(
        "dsr", "submit", "--kind", "access", "--email", "camille.demo@example.com",
        "--jurisdiction", "quebec", "--as", "officer",
    )  # fmt: skip
    assert len(list(demo.mailbox.glob("*.eml"))) == 1  # the code, kept, not sent
    for lang, width in (("en-CA", 1280), ("fr-CA", 390)):
        english = lang.startswith("en")
        context, page = _signed_in(browser, demo, "officer", lang=lang, width=width)
        assert page.locator("#figure-never-synced").count() == 0
        assert page.locator("#sync-health .figure-alarm").count() == 0
        assert page.locator("#mail-mailbox").count() == 1
        fits(page)
        shot(page, f"demo-dashboard-{lang}-{width}")
        page.goto(f"{demo.base}/console/instances/")
        page.locator("form[action$='/sync/'] button").first.click()
        page.wait_for_load_state()
        assert page.url.endswith("?done=sync_done")
        notice = "The snapshot was applied." if english else "L’instantané a été appliqué."
        assert page.locator(".notice").first.inner_text() == notice
        fits(page)
        shot(page, f"demo-instances-synced-{lang}-{width}")
        page.goto(f"{demo.base}/console/mailbox/")
        assert page.locator("#mailbox-warning").count() == 1
        page.locator("#mailbox-messages a").first.click()
        body = page.locator(".mail-body").inner_text()
        assert "camille.demo@example.com" in page.locator("#mailbox-message").inner_text()
        assert f"{demo.base}/fr/droits/" in body  # the link back, where this run answers
        fits(page)
        shot(page, f"demo-mailbox-message-{lang}-{width}")
        context.close()
    context, page = _signed_in(browser, demo, "sales", lang="fr-CA", width=390)
    response = page.goto(f"{demo.base}/console/mailbox/")
    assert response is not None
    assert response.status == 403
    fits(page)
    context.close()
