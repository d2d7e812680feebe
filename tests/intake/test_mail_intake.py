"""`intake mail` (issue 4 item 7): each sender of a Maildir or mbox becomes a sales contact by
email, named from From, in the language of Content-Language or the text; messages are moved so
that a second run reads nothing; refusals name the message and field, never the address."""

from __future__ import annotations

import datetime as dt
import io
import mailbox
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from omni_privacy.audit.models import AuditEvent
from omni_privacy.registry.models import Holding, Organization

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 25)


def message(
    sender: str,
    body: str,
    *,
    date: str = "Mon, 23 Nov 2026 10:15:00 -0500",
    language: str | None = None,
) -> EmailMessage:
    made = EmailMessage()
    made["From"] = sender
    made["To"] = "info@omni-assistant.net"
    made["Subject"] = "Information"
    made["Date"] = date
    made.set_content(body)  # (which drops any Content-* header set before it)
    if language:
        made["Content-Language"] = language
    return made


MESSAGES = [
    message(
        '"Chloé  Lavoie" <chloe.lavoie@example.com>',
        "Bonjour, nous aimerions une démonstration de votre logiciel. Merci!",
    ),
    message(
        "Sam Patel <sam.patel@example.org>",
        "Hi",
        language="en-CA",
        date="Tue, 24 Nov 2026 09:00:00 +0000",
    ),
    message("not an address", "Bonjour"),
    message("Kim <kim@example.com>", "Devis?", date="Sat, 1 Jan 2028 00:00:00 +0000"),
]


def _run(path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command(
            "intake", "mail", str(path), "--as-of", AS_OF.isoformat(), *args, stdout=out, stderr=err
        )
    return out.getvalue(), err.getvalue()


def _count(path) -> int:
    box = mailbox.mbox(path)
    try:
        return len(box)
    finally:
        box.close()


def _add(path, *messages: EmailMessage) -> None:
    box = mailbox.mbox(path)
    for made in messages:
        box.add(made)
    box.close()  # flushes


def _sales() -> list[tuple]:
    return list(
        Holding.objects.filter(source="sales")
        .order_by("email")
        .values_list(
            "organization__code",
            "full_name",
            "email",
            "preferred_language",
            "channel",
            "collected_at",
            "last_contact_at",
            "legal_basis",
        )
    )


EXPECTED = [
    (
        "example-com",
        "Chloé Lavoie",
        "chloe.lavoie@example.com",
        "fr",
        "email",
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 23),
        "consent",
    ),
    ("example-com", "Kim", "kim@example.com", None, "email", AS_OF, AS_OF, "consent"),
    (
        "example-org",
        "Sam Patel",
        "sam.patel@example.org",
        "en",
        "email",
        dt.date(2026, 11, 24),
        dt.date(2026, 11, 24),
        "consent",
    ),
]


def test_a_maildir_is_read_once_and_moved(tmp_path) -> None:
    box = mailbox.Maildir(tmp_path / "inbox")
    for made in MESSAGES:
        box.add(made)

    out, err = _run(tmp_path / "inbox")

    assert out.strip() == "3 messages recorded as sales contacts, 1 refused."
    assert err.strip().endswith("from: no sender address")
    assert "not an address" not in err
    assert _sales() == EXPECTED
    # A prospect organisation per domain, with no subscription.
    assert sorted(Organization.objects.values_list("code", "name")) == [
        ("example-com", "example.com"),
        ("example-org", "example.org"),
    ]
    assert len(box) == 0
    assert (len(box.get_folder("processed")), len(box.get_folder("refused"))) == (3, 1)
    assert _run(tmp_path / "inbox")[0].strip() == (
        "0 messages recorded as sales contacts, 0 refused."
    )
    assert AuditEvent.objects.filter(action="intake.mail").count() == 2


def test_an_mbox_moves_messages_beside_it_and_a_new_contact_restarts_the_clock(tmp_path) -> None:
    path = tmp_path / "inbox.mbox"
    _add(path, *MESSAGES)

    _run(path)
    assert _sales() == EXPECTED
    assert _count(path) == 0
    assert _count(tmp_path / "inbox.mbox.processed") == 3
    assert _count(tmp_path / "inbox.mbox.refused") == 1

    _add(
        path,
        message(
            "Chloé Lavoie <chloe.lavoie@example.com>",
            "Bonjour, merci pour la démo",
            date="Wed, 25 Nov 2026 08:00:00 -0500",
        ),
    )
    _run(path)
    chloe = Holding.objects.get(email="chloe.lavoie@example.com")
    assert (chloe.collected_at, chloe.last_contact_at) == (dt.date(2026, 11, 23), AS_OF)
    assert chloe.due_at == dt.date(2031, 11, 25)  # five years after the last contact


def test_the_organisation_can_be_given_and_bad_paths_are_named(tmp_path) -> None:
    from tests.retention.factory import organization

    organization("globex")
    box = mailbox.Maildir(tmp_path / "inbox")
    box.add(MESSAGES[1])
    _run(tmp_path / "inbox", "--organization", "globex")
    assert Holding.objects.get().organization.code == "globex"
    with pytest.raises(CommandError, match="no such Maildir or mbox file"):
        _run(tmp_path / "nowhere")
    (tmp_path / "plain").mkdir()
    with pytest.raises(CommandError, match="a directory but not a Maildir"):
        _run(tmp_path / "plain")
    with pytest.raises(CommandError, match="--organization: no organisation 'nope'"):
        _run(tmp_path / "inbox", "--organization", "nope")
