"""The development mailbox (issue 14 point 8): with OMNI_MAIL_DELIVERY=mailbox, the outbox
keeps every message it would send as one .eml file in OMNI_MAILBOX_DIR instead of handing it
to an SMTP server. Nothing leaves the machine; `make run` uses it when no SMTP host is set.
Readers (the console, a person with a mail program) open the files; they are never sent.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import os
import re
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings

from omni_privacy.core import clock


def mailbox_dir() -> Path:
    return Path(settings.OMNI_MAILBOX_DIR)


def mailbox_in_use() -> bool:
    return settings.OMNI_MAIL_DELIVERY == "mailbox"


class FileMailbox:
    """Stands in for an SMTP session: ``send_message`` writes the message to a file."""

    def send_message(self, message: EmailMessage) -> None:
        folder = mailbox_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{clock.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
        partial = folder / f".{name}.part"
        partial.write_bytes(message.as_bytes(policy=email.policy.SMTP))
        os.replace(partial, folder / name)  # a reader never sees half a message

    def quit(self) -> None:
        return None

    def close(self) -> None:
        return None


@dataclass(frozen=True)
class MailboxEntry:
    name: str
    to: str
    subject: str
    date: str
    body: str
    sent_at: dt.datetime | None = None
    """The Date header as a moment, to show in the reader's format."""


_NAME = re.compile(r"\A\d{8}T\d{6}-[0-9a-f]{12}\.eml\Z")


def _moment(header: str) -> dt.datetime | None:
    try:
        return email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None


def _entry(path: Path) -> MailboxEntry:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    part = parsed.get_body(preferencelist=("plain",)) if parsed.is_multipart() else parsed
    body = part.get_content() if part is not None else ""
    return MailboxEntry(
        name=path.name,
        to=str(parsed["To"]),
        subject=" ".join(str(parsed["Subject"]).split()),
        date=str(parsed["Date"]),
        body=str(body),
        sent_at=_moment(str(parsed["Date"] or "")),
    )


def mailbox_messages(limit: int = 100) -> list[MailboxEntry]:
    """The latest messages of the development mailbox, newest first."""
    folder = mailbox_dir()
    if not folder.is_dir():
        return []
    return [_entry(path) for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]]


def mailbox_message(name: str) -> MailboxEntry | None:
    """One message by its file name (as FileMailbox names them; anything else is None, so a
    name can never reach outside the folder)."""
    if not _NAME.match(name):
        return None
    path = mailbox_dir() / name
    return _entry(path) if path.is_file() else None
