"""Issue 14 point 7: on a demo run the application serves the demo customer instance's export
itself, so that "Sync now" on the Instances page works out of the box, over real HTTP on
loopback; point 8: the development mailbox page, for privacy officers only."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from django.test import Client

from omni_privacy.accounts.models import Team, User
from omni_privacy.core import clock
from omni_privacy.core.crypto import unseal
from omni_privacy.demo.generate import demo_generate
from omni_privacy.intake.models import SyncRun
from omni_privacy.outbox.mailbox import FileMailbox
from omni_privacy.registry.models import Holding, Instance


def _officer(client: Client) -> None:
    user = User.objects.create_user(
        username="pat.officer", team=Team.PRIVACY_OFFICE, preferred_language="en"
    )
    client.force_login(user)


class _Relay(http.server.BaseHTTPRequestHandler):
    """Loopback HTTP in front of the application's own answer: the test's database is one
    transaction that another thread cannot read, so each answer of the demo export view (the
    test client, same token) is relayed as it was given, headers included."""

    answer: tuple[int, str, bytes] = (500, "text/plain", b"")
    seen: list[str] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.headers.get("Authorization", ""))
        status, content_type, body = type(self).answer
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def relay() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Relay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _answer(instance: Instance, token: str) -> tuple[int, str, bytes]:
    response = Client().get(
        f"/demo/instances/{instance.code}/export.jsonl",
        headers={"authorization": f"Bearer {token}"},
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, response.get("Content-Type", ""), body


@pytest.mark.django_db
def test_sync_now_pulls_the_demo_instance_served_by_the_application(
    relay: str, settings, client: Client
) -> None:
    settings.OMNI_DEMO = True
    demo_generate(actor="test", people=24, seed=1, as_of=clock.today(), export_base=relay)
    instance = Instance.objects.exclude(export_url="").get()
    assert instance.export_url == f"{relay}/demo/instances/{instance.code}/export.jsonl"
    assert instance.last_synced_at is not None  # the demo's profiles came from it
    token = unseal(instance.token_sealed)
    profiles = Holding.objects.filter(instance=instance, state="active").exclude(roles=[])
    held = profiles.count()
    _officer(client)

    _Relay.answer = _answer(instance, token)
    assert _Relay.answer[:2] == (200, "application/x-ndjson")
    done = client.post(f"/console/instances/{instance.code}/sync/")

    assert _Relay.seen[-1] == f"Bearer {token}"
    assert done["Location"] == "/console/instances/?done=sync_done"
    run = SyncRun.objects.get()
    assert (run.status, run.origin, run.rows) == ("finished", "pull", held + 2)
    assert run.counts["added"] == 2  # the export's two fictional newcomers
    assert profiles.count() == held + 2
    # A second pull finds the same people under the same user ids: nothing added.
    _Relay.answer = _answer(instance, token)
    client.post(f"/console/instances/{instance.code}/sync/")
    latest = SyncRun.objects.order_by("-id").first()
    assert latest is not None
    assert (latest.status, latest.rows, latest.counts["added"]) == ("finished", held + 2, 0)


@pytest.mark.django_db
def test_the_demo_export_wants_the_token_and_a_demo_run(settings) -> None:
    settings.OMNI_DEMO = True
    demo_generate(
        actor="test", people=12, seed=1, as_of=clock.today(), export_base="http://127.0.0.1:8000"
    )
    instance = Instance.objects.exclude(export_url="").get()
    other = Instance.objects.filter(export_url="").first()
    assert other is not None
    token = unseal(instance.token_sealed)
    assert _answer(instance, token)[0] == 200
    assert _answer(instance, "wrong")[0] == 401
    assert _answer(other, token)[0] == 404
    settings.OMNI_DEMO = False
    assert _answer(instance, token)[0] == 404


@pytest.fixture
def kept(settings, tmp_path) -> str:
    settings.OMNI_MAIL_DELIVERY = "mailbox"
    settings.OMNI_MAILBOX_DIR = tmp_path / "mailbox"
    message = EmailMessage()
    message["To"] = "lea@example.com"
    message["Subject"] = "Votre code de vérification"
    message["Date"] = "Wed, 25 Nov 2026 10:00:00 -0500"
    message.set_content("Votre code : 123456\nhttps://privacy.example.com/fr/droits/suivi/")
    FileMailbox().send_message(message)
    return next((tmp_path / "mailbox").glob("*.eml")).name


@pytest.mark.django_db
def test_privacy_officers_read_the_development_mailbox(kept: str, client: Client) -> None:
    _officer(client)
    page = client.get("/console/mailbox/", headers={"accept-language": "en"}).content.decode()
    assert "Development mailbox: no SMTP server is configured" in page
    assert f'<a href="/console/mailbox/{kept}/">Votre code de vérification</a>' in page
    assert 'href="/console/mailbox/"' in client.get("/console/").content.decode()  # the menu
    one = client.get(f"/console/mailbox/{kept}/").content.decode()
    assert "Votre code : 123456" in one
    assert '<a href="https://privacy.example.com/fr/droits/suivi/"' in one
    assert client.get("/console/mailbox/../../etc/passwd/").status_code == 404
    assert client.get("/console/mailbox/20261125T100000-000000000000.eml/").status_code == 404


@pytest.mark.django_db
def test_the_mailbox_is_for_privacy_officers_and_only_while_it_is_on(
    kept: str, client: Client, settings
) -> None:
    sales = User.objects.create_user(username="sam.sales", team=Team.SALES)
    client.force_login(sales)
    assert client.get("/console/mailbox/").status_code == 403
    assert client.get(f"/console/mailbox/{kept}/").status_code == 403
    assert 'href="/console/mailbox/"' not in client.get("/console/").content.decode()
    _officer(client)
    settings.OMNI_MAIL_DELIVERY = "smtp"
    assert client.get("/console/mailbox/").status_code == 404
    assert 'href="/console/mailbox/"' not in client.get("/console/").content.decode()
