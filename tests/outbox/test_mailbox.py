"""The development mailbox and the SMTP defaults (issue 14 point 8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from omni_privacy.ops.management.commands.run import startup_lines
from omni_privacy.outbox.delivery import outbox_deliver_due
from omni_privacy.outbox.mailbox import mailbox_messages
from omni_privacy.outbox.models import OutboxMessage, OutboxStatus
from omni_privacy.outbox.services import outbox_enqueue


@pytest.fixture
def mailbox(settings, tmp_path: Path) -> Path:
    settings.OMNI_MAIL_DELIVERY = "mailbox"
    settings.OMNI_MAILBOX_DIR = tmp_path / "mailbox"
    settings.OMNI_SMTP_HOST = "192.0.2.1"  # never reached: nothing may leave
    settings.OMNI_SMTP_RATE = 0
    return tmp_path / "mailbox"


@pytest.mark.django_db
def test_the_development_mailbox_keeps_the_mail_instead_of_sending_it(mailbox: Path) -> None:
    outbox_enqueue(
        to="camille@example.com",
        subject="Votre code de vérification : 123456",
        body_text="Bonjour,\n\n    123456\n",
        language="fr",
        kind="dsr.code",
    )
    report = outbox_deliver_due()
    assert report.sent == 1
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    files = list(mailbox.glob("*.eml"))
    assert len(files) == 1
    assert list(mailbox.glob(".*")) == []  # no half-written file left
    [entry] = mailbox_messages()
    assert (entry.to, entry.subject) == (
        "camille@example.com",
        "Votre code de vérification : 123456",
    )
    assert "123456" in entry.body


def test_run_says_where_it_answers_and_where_mail_goes(mailbox: Path, settings) -> None:
    with translation.override("fr"):
        assert startup_lines("127.0.0.1", 8123)[0].startswith("Omni privacy répond à ")
    with translation.override("en"):
        lines = startup_lines("127.0.0.1", 8123)
        assert lines[0].startswith("Omni privacy answers at http://127.0.0.1:8123/ ")
        assert "http://127.0.0.1:8123/console/" in lines[0]
        assert str(mailbox) in lines[1]
        assert "development mailbox" in lines[1]
        settings.OMNI_MAIL_DELIVERY = "smtp"
        settings.OMNI_SMTP_HOST, settings.OMNI_SMTP_PORT, settings.OMNI_SMTP_TLS = (
            "mail.example.com",
            587,
            "starttls",
        )
        assert startup_lines("0.0.0.0", 8000)[1] == (  # noqa: S104
            "Outgoing mail is sent over SMTP to mail.example.com:587 (TLS: starttls)."
        )


@pytest.mark.parametrize(
    ("host", "port", "tls"),
    [
        ("127.0.0.1", "25", "none"),  # a plain local SMTP server works by default
        ("localhost", "1025", "none"),
        ("mail.example.com", "25", "starttls"),
        ("mail.example.com", "587", "starttls"),
        ("mail.example.com", "465", "ssl"),
        ("127.0.0.1", "587", "starttls"),
    ],
)
def test_the_default_tls_follows_the_host_and_port(host: str, port: str, tls: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNI_SMTP")}
    env |= {
        "OMNI_SMTP_HOST": host,
        "OMNI_SMTP_PORT": port,
        "DJANGO_SETTINGS_MODULE": "omni_privacy.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.OMNI_SMTP_TLS)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == tls


def test_run_points_the_mail_links_where_it_answers() -> None:
    """The links in mails follow `run --host/--port` unless OMNI_PUBLIC_URL says otherwise."""
    from omni_privacy.ops.management.commands.run import served_url

    assert served_url("127.0.0.1", 8191) == "http://127.0.0.1:8191"
    assert served_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"  # noqa: S104
    assert served_url("::1", 8080) == "http://[::1]:8080"
