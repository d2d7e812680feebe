"""Importing and publishing notice versions (notice §11): checks, audit events, immutability
in the service, the model and the database, the version in force by date, the on_publish hook."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import translation

from omni_privacy.accounts.models import Team, User
from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.notices import hooks
from omni_privacy.notices.models import NoticeState, NoticeVersion, PublishedNoticeError
from omni_privacy.notices.selectors import current_notice, previous_version, published_versions
from omni_privacy.notices.services import (
    NoticeInput,
    notice_draft_delete,
    notice_import,
    notice_publish,
    notice_text_decode,
)
from tests.notices.conftest import PUBLISHED_AT, make_version
from tests.said import Said

pytestmark = pytest.mark.django_db


def test_import_records_a_draft_and_its_audit_event() -> None:
    draft = make_version(3, dt.date(2027, 1, 1), publish=False)
    assert (draft.state, draft.published_at, draft.text_en, draft.summary_fr) == (
        NoticeState.DRAFT,
        None,
        "## 1. Purpose\n\nOmni keeps data for 3 years.\n",
        "Durée : 3 ans.",
    )
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.payload) == (
        "notice.imported",
        str(draft.public_id),
        {
            "identifier": "QAC-REC-004",
            "version": 3,
            "effective_on": "2027-01-01",
            "classification": "public",
        },
    )


def test_publish_sets_the_date_the_officer_and_an_audit_event() -> None:
    officer = User.objects.create_user(username="pat", team=Team.PRIVACY_OFFICE)
    draft = make_version(2, dt.date(2024, 2, 8), publish=False)
    published = notice_publish(version_id=draft.pk, actor=officer, at=PUBLISHED_AT)
    stored = NoticeVersion.objects.get(pk=draft.pk)
    assert (stored.state, stored.published_at, stored.published_by) == (
        NoticeState.PUBLISHED,
        PUBLISHED_AT,
        officer,
    )
    assert published.is_published
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    assert (event.action, event.actor, event.payload, event.occurred_at) == (
        "notice.published",
        f"user:{officer.public_id}",
        {"identifier": "QAC-REC-004", "version": 2, "effective_on": "2024-02-08"},
        PUBLISHED_AT,
    )


def test_only_a_privacy_officer_publishes() -> None:
    sales = User.objects.create_user(username="sam", team=Team.SALES)
    draft = make_version(2, dt.date(2024, 2, 8), publish=False)
    with pytest.raises(InvalidInputError) as refused:
        notice_publish(version_id=draft.pk, actor=sales, at=PUBLISHED_AT)
    assert refused.value.errors == [Said("published_by", "only a privacy officer may do this")]
    assert NoticeVersion.objects.get().state == NoticeState.DRAFT


def test_refused_imports_write_nothing() -> None:
    make_version(2, dt.date(2024, 2, 8))
    events = AuditEvent.objects.count()
    cases = [
        ({"version": 2}, [Said("version", "version 2 already exists", "duplicate")]),
        (
            {"version": 1},
            [
                Said(
                    "version",
                    "must be greater than 2, the last published version",
                    "not_after_published",
                )
            ],
        ),
        (
            {"effective_on": dt.date(2024, 2, 7)},
            [
                Said(
                    "effective",
                    "is before 2024-02-08, the effective date of version 2",
                    "before_previous",
                )
            ],
        ),
        ({"text_en": " \n "}, [Said("en", "the text is empty", "empty")]),
    ]
    for changes, errors in cases:
        data = {
            "identifier": "QAC-REC-004",
            "version": 3,
            "effective_on": dt.date(2025, 1, 1),
            "text_fr": "Texte.",
            "text_en": "Text.",
        } | changes
        with pytest.raises(InvalidInputError) as refused:
            notice_import(data=NoticeInput(**data), actor="test")
        assert refused.value.errors == errors
    assert NoticeVersion.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_text_must_be_utf8() -> None:
    assert notice_text_decode("Données\n".encode(), field="fr") == "Données\n"
    assert notice_text_decode(b"\xef\xbb\xbfBOM", field="fr") == "BOM"
    with pytest.raises(InvalidInputError) as refused:
        notice_text_decode("Données".encode("latin-1"), field="fr")
    assert refused.value.errors == [
        Said("fr", "is not UTF-8 text (invalid byte at offset 4)", "encoding")
    ]


def test_a_draft_overtaken_by_a_later_publication_can_no_longer_be_published() -> None:
    draft3 = make_version(3, dt.date(2025, 1, 1), publish=False)
    make_version(4, dt.date(2025, 6, 1))
    with pytest.raises(InvalidInputError) as refused:
        notice_publish(version_id=draft3.pk, actor="test", at=PUBLISHED_AT)
    assert refused.value.errors == [
        Said("version", "must be greater than 4, the last published version", "not_after_published")
    ]
    again = NoticeVersion.objects.get(version=4)
    with (
        translation.override("en"),
        pytest.raises(InvalidInputError, match="v4 is already published"),
    ):
        notice_publish(version_id=again.pk, actor="test", at=PUBLISHED_AT)


def test_published_versions_cannot_be_changed_by_the_service_or_the_model() -> None:
    published = make_version(2, dt.date(2024, 2, 8))
    with (
        translation.override("en"),
        pytest.raises(InvalidInputError, match="is published: it cannot be deleted"),
    ):
        notice_draft_delete(version_id=published.pk, actor="test")
    published.text_en = "Something else."
    with pytest.raises(PublishedNoticeError, match="QAC-REC-004 v2 is published"):
        published.save()
    with pytest.raises(PublishedNoticeError, match="cannot be deleted"):
        published.delete()
    assert NoticeVersion.objects.get().text_en == "## 1. Purpose\n\nOmni keeps data for 2 years.\n"


def test_the_database_refuses_updates_and_deletes_of_published_versions() -> None:
    make_version(2, dt.date(2024, 2, 8))
    draft = make_version(3, dt.date(2027, 1, 1), publish=False)
    for change in (
        lambda: NoticeVersion.objects.filter(version=2).update(text_en="Changed."),
        lambda: NoticeVersion.objects.filter(version=2).delete(),
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            change()
    assert NoticeVersion.objects.get(version=2).text_en.endswith("2 years.\n")
    # Drafts stay editable and deletable.
    assert NoticeVersion.objects.filter(pk=draft.pk).update(summary_en="Edited.") == 1
    notice_draft_delete(version_id=draft.pk, actor="test")
    assert list(NoticeVersion.objects.values_list("version", flat=True)) == [2]


def test_the_version_in_force_is_the_latest_published_on_or_before_the_day() -> None:
    make_version(1, dt.date(2023, 1, 1))
    make_version(2, dt.date(2024, 2, 8))
    make_version(3, dt.date(2027, 1, 1))  # published ahead of its date
    make_version(4, dt.date(2027, 6, 1), publish=False)  # a draft
    assert current_notice(at=dt.date(2022, 12, 31)) is None
    assert current_notice(at=dt.date(2023, 1, 1)).version == "1"
    assert current_notice(at=dt.date(2024, 2, 7)).version == "1"
    current = current_notice(at=dt.date(2026, 11, 25))
    assert current is not None
    assert (current.identifier, current.version, current.effective_on, current.published_at) == (
        "QAC-REC-004",
        "2",
        dt.date(2024, 2, 8),
        PUBLISHED_AT,
    )
    assert (current.summary_fr, current.summary_en) == ("Durée : 2 ans.", "Period: 2 years.")
    assert current_notice(at=dt.date(2027, 1, 1)).version == "3"
    assert current_notice(at=dt.date(2030, 1, 1)).version == "3"
    assert current_notice(identifier="OTHER", at=dt.date(2030, 1, 1)) is None
    assert [item.number for item in published_versions()] == [3, 2, 1]
    draft = NoticeVersion.objects.get(version=4)
    assert previous_version(current_notice(at=dt.date(2030, 1, 1))).number == 2
    assert draft.version == 4


def test_on_publish_callables_run_once_after_commit(
    django_capture_on_commit_callbacks, monkeypatch
) -> None:
    seen: list[tuple[str, int]] = []
    # Only this test's callable (another app may have registered its own), restored afterwards.
    monkeypatch.setattr(
        hooks, "on_publish", [lambda version: seen.append((version.identifier, version.version))]
    )
    draft = make_version(2, dt.date(2024, 2, 8), publish=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice_publish(version_id=draft.pk, actor="test", at=PUBLISHED_AT)
        assert seen == []  # not before the commit
    assert (len(callbacks), seen) == (1, [("QAC-REC-004", 2)])


def test_on_publish_callables_do_not_run_when_the_publication_rolls_back(
    django_capture_on_commit_callbacks, monkeypatch
) -> None:
    seen: list[int] = []
    monkeypatch.setattr(hooks, "on_publish", [lambda version: seen.append(version.version)])
    draft = make_version(2, dt.date(2024, 2, 8), publish=False)

    def publish_then_fail() -> None:
        with transaction.atomic():
            notice_publish(version_id=draft.pk, actor="test", at=PUBLISHED_AT)
            raise RuntimeError("something later in the same transaction failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        publish_then_fail()
    assert (callbacks, seen) == ([], [])
    assert NoticeVersion.objects.get().state == NoticeState.DRAFT
