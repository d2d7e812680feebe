"""Punctual intake by email (notice §2.4 scenario 2): each message from a prospect records its
sender as a sales contact, channel email, on the message's date.

Reads a Maildir (a directory with cur/, new/, tmp/) or an mbox file with Python's `mailbox` and
`email`. The name comes from the From header, the language from Content-Language or the text.
The organisation is the one given, or else the one of the sender's domain (intake/contacts.py).

Each message is recorded in its own transaction, then moved so it is never read twice: to the
Maildir's ``.processed`` (or ``.refused``) folder, or to ``PATH.processed`` / ``PATH.refused``
beside an mbox. A crash between the two records it again on the next run, which changes nothing
(the same contact on the same day). Refusals name the message and the field, never the address.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import mailbox
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

from django.utils import timezone

from omni_privacy.audit.services import audit_record
from omni_privacy.core.errors import InvalidInputError, Problem, define, gettext_noop
from omni_privacy.intake.contacts import sales_contact_record
from omni_privacy.intake.domain.language import language_of
from omni_privacy.registry.models import Organization

# Refusals of mail, as codes said in the reader's language (core/errors.py).
NO_SENDER_ADDRESS = define("mail.no_sender_address", gettext_noop("no sender address"))

PROCESSED, REFUSED = "processed", "refused"


class MailboxError(ValueError):
    """The path is neither a Maildir nor an mbox file."""


@dataclass
class MailReport:
    recorded: int = 0
    refused: list[str] = field(default_factory=list)
    """One line per refused message: its place in the mailbox and the fields refused."""


def _open(path: Path) -> mailbox.Mailbox[Any]:
    if path.is_dir():
        if not all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
            raise MailboxError(f"{path}: a directory but not a Maildir (no cur/, new/, tmp/)")
        return mailbox.Maildir(path, factory=None, create=False)
    if path.is_file():
        return mailbox.mbox(path, create=False)
    raise MailboxError(f"{path}: no such Maildir or mbox file")


def _parsed(message: Any) -> EmailMessage:
    return cast(
        EmailMessage, email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    )


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    try:
        return str(cast(EmailMessage, part).get_content())
    except (LookupError, UnicodeError):
        return ""


def _day(message: EmailMessage, as_of: dt.date) -> dt.date:
    """The message's date (local), never after ``as_of``; ``as_of`` when it has none."""
    try:
        sent = email.utils.parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError, IndexError):
        return as_of
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=dt.UTC)
    return min(timezone.localdate(sent), as_of)


def _record(
    message: EmailMessage, *, organization: Organization | None, actor: str, as_of: dt.date
) -> None:
    name, address = email.utils.parseaddr(str(message.get("From", "")))
    if not address or "@" not in address:
        raise InvalidInputError([Problem(NO_SENDER_ADDRESS, field="from")])
    day = _day(message, as_of)
    sales_contact_record(
        actor=actor,
        email=address,
        full_name=" ".join(name.split()) or None,
        channel="email",
        day=day,
        as_of=as_of,
        preferred_language=language_of(message.get("Content-Language"), _text(message)),
        organization=organization,
    )


def _move(box: mailbox.Mailbox[Any], key: str, message: Any, path: Path, where: str) -> None:
    if isinstance(box, mailbox.Maildir):
        folder = box.add_folder(where) if where not in box.list_folders() else box.get_folder(where)
        folder.add(mailbox.MaildirMessage(message))
    else:
        target = mailbox.mbox(path.with_name(f"{path.name}.{where}"))
        target.lock()
        try:
            target.add(message)
            target.flush()
        finally:
            target.unlock()
            target.close()
    box.remove(key)
    if not isinstance(box, mailbox.Maildir):
        box.flush()


def mail_intake(
    *, actor: str, path: Path, as_of: dt.date, organization: Organization | None = None
) -> MailReport:
    """Record every message's sender as a sales contact by email, then move the message."""
    box = _open(path)
    report = MailReport()
    box.lock()
    try:
        for number, key in enumerate(sorted(box.keys()), start=1):
            raw = box.get_message(key)
            try:
                _record(_parsed(raw), organization=organization, actor=actor, as_of=as_of)
            except InvalidInputError as refused:
                fields = ", ".join(str(error) for error in refused.errors)
                report.refused.append(f"message {number}: {fields}")
                _move(box, key, raw, path, REFUSED)
            else:
                report.recorded += 1
                _move(box, key, raw, path, PROCESSED)
    finally:
        box.unlock()
        box.close()
    audit_record(
        actor=actor,
        action="intake.mail",
        object_type="mailbox",
        object_id="maildir" if path.is_dir() else "mbox",
        payload={"recorded": report.recorded, "refused": len(report.refused)},
    )
    return report
