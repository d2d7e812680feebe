"""`omni-privacy dsr list|show|check` and `api-token create` (issue 6 item 10)."""

from __future__ import annotations

import datetime as dt

import pytest

from omni_privacy.accounts.models import StaffApiToken
from omni_privacy.accounts.tokens import api_token_user
from omni_privacy.dsr.services import dsr_request_submit
from tests.dsr.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def _submit(received_on: dt.date, jurisdiction: str = "quebec"):
    return dsr_request_submit(
        kind="access",
        email="camille@example.com",
        language="fr",
        jurisdiction=jurisdiction,
        now=NOW,
        received_on=received_on,
    )


def test_check_exits_1_when_a_request_is_overdue(run, frozen) -> None:
    on_time = _submit(TODAY)
    assert (
        run("dsr", "check", "--as-of", "2026-12-25").stdout
        == "No rights request is past its due day.\n"
    )
    with pytest.raises(SystemExit) as exited:
        run("dsr", "check", "--as-of", "2026-12-26")
    assert exited.value.code == 1
    listed = run("dsr", "list", "--json", "--as-of", "2026-12-26").json()
    assert [
        (r["request_id"], r["days_left"], r["overdue"], r["deemed_refused"]) for r in listed
    ] == [(str(on_time.public_id), -1, True, True)]


def test_show_prints_the_history_without_personal_data(run, frozen) -> None:
    rights = _submit(TODAY, "gdpr")
    shown = run("dsr", "show", str(rights.public_id), "--json").json()
    assert (shown["due_on"], shown["state"]) == ("2026-12-25", "awaiting_verification")
    assert [event["action"] for event in shown["history"]] == [
        "rights_request.received",
        "rights_request.transitioned",
    ]
    assert "camille" not in run("dsr", "show", str(rights.public_id)).stdout


def test_api_token_create_prints_a_working_token_once(run, officer, frozen) -> None:
    out = run("api-token".replace("-", "_"), "create", officer.username)
    raw = out.stdout.strip()
    assert api_token_user(raw, now=NOW) == officer
    assert StaffApiToken.objects.get().token_hash != raw
    assert out.stderr == "Keep this token now: it is not shown again.\n"
