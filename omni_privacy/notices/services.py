"""Writes of notice versions (notice §11; REQUIREMENTS #25): import a version as a draft,
publish it. Each is one transaction with its audit event; the audit payload names the notice
and its version, never a person.

After a publication commits, each callable in ``hooks.on_publish`` is called with the version
(the mailings app announces the change to the people concerned).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.db import transaction

from omni_privacy.accounts.models import User
from omni_privacy.accounts.permissions import is_privacy_officer
from omni_privacy.audit.services import actor_for, audit_record
from omni_privacy.core.errors import InvalidInputError, Problem, define, gettext_noop
from omni_privacy.notices import hooks
from omni_privacy.notices.domain.rules import KnownVersion, import_problems, order_problems
from omni_privacy.notices.models import NoticeState, NoticeVersion

# Refusals of notices, as codes said in the reader's language (core/errors.py).
NOT_UTF_TEXT_INVALID = define(
    "notices.not_utf_text_invalid",
    gettext_noop("is not UTF-8 text (invalid byte at offset %(start)s)"),
)
ONLY_PRIVACY_OFFICER_MAY = define(
    "notices.only_privacy_officer_may", gettext_noop("only a privacy officer may do this")
)
NO_SUCH_NOTICE_VERSION = define("notices.no_such_notice_version", gettext_noop("no such version"))
ALREADY_PUBLISHED = define(
    "notices.already_published", gettext_noop("%(version)s is already published")
)
PUBLISHED_CANNOT_DELETED = define(
    "notices.published_cannot_deleted",
    gettext_noop("%(version)s is published: it cannot be deleted"),
)

Actor = User | str | None


@dataclass(frozen=True)
class NoticeInput:
    identifier: str
    version: int
    effective_on: dt.date
    text_fr: str
    text_en: str
    summary_fr: str = ""
    summary_en: str = ""
    classification: str = "public"


def notice_text_decode(data: bytes, *, field: str) -> str:
    """A notice file's bytes as text: UTF-8 (a BOM is dropped); else an error naming ``field``."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            [Problem(NOT_UTF_TEXT_INVALID, {"start": exc.start}, field=field)]
        ) from exc


def _label(actor: Actor) -> str:
    if isinstance(actor, User):
        return actor_for(actor)
    return actor or "system"


def _user(actor: Actor, field: str) -> User | None:
    """The staff user behind ``actor``; a signed-in user must be a privacy officer."""
    if not isinstance(actor, User):
        return None
    if not is_privacy_officer(actor):
        raise InvalidInputError([Problem(ONLY_PRIVACY_OFFICER_MAY, field=field)])
    return actor


def _known(identifier: str, *, exclude: int | None = None) -> list[KnownVersion]:
    rows = NoticeVersion.objects.filter(identifier=identifier)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return [
        KnownVersion(row.version, row.effective_on, row.state == NoticeState.PUBLISHED)
        for row in rows.only("version", "effective_on", "state")
    ]


def notice_import(*, data: NoticeInput, actor: Actor) -> NoticeVersion:
    """Record a new version as a draft. Refused (nothing written) when a text is empty, the
    version exists, is not after the last published one, or comes into force before the
    version before it."""
    _user(actor, "actor")
    identifier = data.identifier.strip()
    with transaction.atomic():
        # Lock the notice's versions so that two imports cannot both take the same number.
        list(NoticeVersion.objects.select_for_update().filter(identifier=identifier))
        problems = import_problems(
            identifier=identifier,
            version=data.version,
            effective_on=data.effective_on,
            classification=data.classification,
            text_fr=data.text_fr,
            text_en=data.text_en,
            known=_known(identifier),
        )
        if problems:
            raise InvalidInputError(problems)
        version = NoticeVersion.objects.create(
            identifier=identifier,
            version=data.version,
            effective_on=data.effective_on,
            classification=data.classification,
            text_fr=data.text_fr.strip() + "\n",
            text_en=data.text_en.strip() + "\n",
            summary_fr=data.summary_fr.strip(),
            summary_en=data.summary_en.strip(),
        )
        audit_record(
            actor=_label(actor),
            action="notice.imported",
            object_type="notice_version",
            object_id=str(version.public_id),
            payload={
                "identifier": identifier,
                "version": data.version,
                "effective_on": data.effective_on.isoformat(),
                "classification": data.classification,
            },
        )
    return version


def notice_publish(*, version_id: int, actor: Actor, at: dt.datetime) -> NoticeVersion:
    """Publish a draft (notice §11: "by posting the new privacy notice"). From then on it is
    shown on the public pages once its effective date comes, and it cannot be changed. Refused
    when it is already published, or no longer after the last published version."""
    user = _user(actor, "published_by")
    with transaction.atomic():
        version = NoticeVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            raise InvalidInputError([Problem(NO_SUCH_NOTICE_VERSION, field="version")])
        if version.state == NoticeState.PUBLISHED:
            raise InvalidInputError(
                [Problem(ALREADY_PUBLISHED, {"version": version}, field="version")]
            )
        list(NoticeVersion.objects.select_for_update().filter(identifier=version.identifier))
        problems = order_problems(
            version=version.version,
            effective_on=version.effective_on,
            known=_known(version.identifier, exclude=version.pk),
        )
        if problems:
            raise InvalidInputError(problems)
        version.state = NoticeState.PUBLISHED
        version.published_at = at
        version.published_by = user
        version.save(update_fields=["state", "published_at", "published_by", "updated_at"])
        audit_record(
            actor=_label(actor),
            action="notice.published",
            object_type="notice_version",
            object_id=str(version.public_id),
            payload={
                "identifier": version.identifier,
                "version": version.version,
                "effective_on": version.effective_on.isoformat(),
            },
            occurred_at=at,
        )
        for callback in list(hooks.on_publish):
            transaction.on_commit(functools.partial(callback, version))
    return version


def notice_draft_delete(*, version_id: int, actor: Actor) -> None:
    """Delete a draft that will not be published (a published version is never deleted)."""
    _user(actor, "actor")
    with transaction.atomic():
        version = NoticeVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            raise InvalidInputError([Problem(NO_SUCH_NOTICE_VERSION, field="version")])
        if version.state == NoticeState.PUBLISHED:
            raise InvalidInputError(
                [Problem(PUBLISHED_CANNOT_DELETED, {"version": version}, field="version")]
            )
        audit_record(
            actor=_label(actor),
            action="notice.draft_deleted",
            object_type="notice_version",
            object_id=str(version.public_id),
            payload={"identifier": version.identifier, "version": version.version},
        )
        version.delete()
