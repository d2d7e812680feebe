"""The daily job (issue 6 items 3 and 7): reminders before due days, expiry of requests never
verified, and the purge of closed case files after OMNI_DSR_PURGE_DAYS."""

from __future__ import annotations

import datetime as dt

import pytest

from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.periodic import registered
from omni_privacy.dsr.exports import export_dir
from omni_privacy.dsr.fulfilment import dsr_request_fulfil
from omni_privacy.dsr.maintenance import dsr_daily
from omni_privacy.dsr.models import ExportFile, RightsRequest, VerificationCode
from omni_privacy.dsr.services import dsr_note_add, dsr_request_submit, dsr_request_verify_by_phone
from omni_privacy.dsr.tasks import task_dsr_daily
from tests.dsr.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def _submit(received_on: dt.date = TODAY, kind: str = "access") -> RightsRequest:
    return dsr_request_submit(
        kind=kind,
        email="camille@example.com",
        language="fr",
        jurisdiction="quebec",
        now=NOW,
        received_on=received_on,
    )


def test_the_job_is_registered_daily() -> None:
    job = next(job for job in registered() if job.name == "dsr_daily")
    assert job.interval == dt.timedelta(days=1)


def test_reminders_go_once_to_the_privacy_officers(
    officer, second_officer, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    soon = dsr_request_verify_by_phone(
        request=_submit(TODAY - dt.timedelta(days=24)), user=officer, now=NOW
    )
    _submit(TODAY)  # due in 30 days: not yet
    with django_capture_on_commit_callbacks(execute=True):
        first = dsr_daily(today=TODAY, now=NOW)
        again = dsr_daily(today=TODAY, now=NOW)
    assert (first.reminded, again.reminded) == (1, 0)
    reminder = smtp.to("pat@example.com")[-1]
    assert [len(smtp.to(officer)) for officer in ("dom@example.com", "pat@example.com")] == [1, 1]
    assert f"{soon.public_id} (access, quebec): due 2026-12-01" in reminder.get_content()


def test_unverified_requests_expire_after_the_configured_days_with_their_reason(
    db, frozen, settings
) -> None:
    assert settings.OMNI_DSR_UNVERIFIED_DAYS == 7  # the default
    stale = _submit(TODAY - dt.timedelta(days=8))
    fresh = _submit(TODAY - dt.timedelta(days=7))
    assert dsr_daily(today=TODAY, now=NOW).expired == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.state, fresh.state) == ("expired", "awaiting_verification")
    assert stale.outcome["closed_because"] == "never_verified"
    event = AuditEvent.objects.filter(object_id=str(stale.public_id)).order_by("id").last()
    assert event is not None
    assert (event.payload["to"], event.payload["reason"]) == ("expired", "never_verified")
    settings.OMNI_DSR_UNVERIFIED_DAYS = 3
    assert dsr_daily(today=TODAY, now=NOW).expired == 1


def test_closed_case_files_are_purged_after_the_delay_leaving_the_audit_evidence(
    people, officer, frozen, settings
) -> None:
    settings.OMNI_DSR_PURGE_DAYS = 30
    rights = dsr_request_verify_by_phone(request=_submit(kind="portability"), user=officer, now=NOW)
    dsr_note_add(request=rights, user=officer, text="Appel au 514 555 0123", now=NOW)
    rights = dsr_request_fulfil(
        request=rights, user=officer, now=NOW, today=TODAY, base_url="https://x.example.com"
    )
    files = sorted(p.name for p in export_dir().iterdir())
    assert len(files) == 2
    events_before = AuditEvent.objects.filter(object_id=str(rights.public_id)).count()
    assert (
        dsr_daily(today=TODAY + dt.timedelta(days=29), now=NOW + dt.timedelta(days=29)).purged == 0
    )
    frozen.shift(dt.timedelta(days=30))
    assert task_dsr_daily.call((TODAY + dt.timedelta(days=30)).isoformat()) == {
        "reminded": 0,
        "expired": 0,
        "purged": 1,
    }
    rights.refresh_from_db()
    assert (rights.email_sealed, rights.details_sealed, rights.state) == ("", "", "fulfilled")
    assert list(export_dir().iterdir()) == []
    assert VerificationCode.objects.filter(request=rights).count() == 0
    assert rights.notes.count() == 0
    assert ExportFile.objects.filter(request=rights, purged_at__isnull=True).count() == 0
    purged = AuditEvent.objects.filter(object_id=str(rights.public_id)).order_by("sequence")
    assert purged.count() == events_before + 1
    assert purged.last().payload == {"exports": 2, "codes": 1, "notes": 1}
    assert (
        dsr_daily(today=TODAY + dt.timedelta(days=31), now=NOW + dt.timedelta(days=31)).purged == 0
    )
