"""`omni-privacy dsr list|show|check` and `api-token create` (issue 6 item 10)."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from omni_privacy.accounts.models import StaffApiToken
from omni_privacy.accounts.tokens import api_token_user
from omni_privacy.dsr.models import RightsRequest
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


def _verified(rights: RightsRequest) -> RightsRequest:
    # As the code check does: only a verified request is Omni's to answer, so can be late.
    RightsRequest.objects.filter(pk=rights.pk).update(state="verified", verified_at=NOW)
    rights.refresh_from_db()
    return rights


def test_check_exits_1_when_a_request_is_overdue(run, frozen) -> None:
    on_time = _verified(_submit(TODAY))
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


def test_a_request_never_verified_is_never_overdue(run, frozen) -> None:
    unverified = _submit(TODAY)
    assert (
        run("dsr", "check", "--as-of", "2026-12-26").stdout
        == "No rights request is past its due day.\n"
    )
    listed = run("dsr", "list", "--json", "--as-of", "2026-12-26").json()
    assert [(r["request_id"], r["overdue"]) for r in listed] == [(str(unverified.public_id), False)]


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


# -- the workflow from the terminal (issue 12 item 5): a request replayed with --as-of --------


def _step(run, *args: str) -> dict:
    return run("dsr", *args, "--as", "pat.officer", "--json").json()


def test_a_request_replayed_from_submission_to_answer(run, officer, people, smtp) -> None:
    received = _step(
        run, "submit", "--kind", "access", "--email", "camille@example.com",
        "--jurisdiction", "quebec", "--as-of", "2025-03-03",
    )  # fmt: skip
    reference = received["request_id"]
    assert received == {
        "as_of": "2025-03-03",
        "request_id": reference,
        "kind": "access",
        "state": "awaiting_verification",
        "jurisdiction": "quebec",
        "channel": "cli",
        "received_on": "2025-03-03",
        "due_on": "2025-04-02",  # Quebec: 30 days (dsr/domain/deadlines.py)
        "extended_on": None,
        "days_left": 30,
        "overdue": False,
        "deemed_refused": False,
        "verified_method": None,
        "assigned_to": None,
        "verified_at": None,
        "closed_at": None,
        "denial_reason": None,
        "outcome": None,
    }
    code = smtp.last_code("camille@example.com")
    verified = _step(run, "verify", reference, "--code", code, "--as-of", "2025-03-03")
    assert (verified["state"], verified["verified_method"], verified["verified_at"]) == (
        "verified",
        "email_code",
        "2025-03-03T00:00:00-05:00",  # the start of the day in America/Toronto
    )
    # Twenty days later: 10 days left, not overdue; the check is quiet until after 2025-04-02.
    assert run("dsr", "check", "--as-of", "2025-04-02").stdout == (
        "No rights request is past its due day.\n"
    )
    with pytest.raises(SystemExit) as late:
        run("dsr", "check", "--as-of", "2025-04-03")
    assert late.value.code == 1
    answered = _step(run, "answer", reference, "--as-of", "2025-03-23")
    assert (
        answered["state"],
        answered["days_left"],
        answered["overdue"],
        answered["closed_at"],
        answered["outcome"]["holdings"],
    ) == ("fulfilled", 10, False, "2025-03-23T00:00:00-04:00", 3)
    assert run("dsr", "check", "--as-of", "2025-04-03").stdout == (
        "No rights request is past its due day.\n"
    )
    history = run("dsr", "show", reference, "--json").json()["history"]
    assert [(event["action"], event["actor"]) for event in history] == [
        ("rights_request.received", f"user:{officer.public_id}"),
        ("rights_request.transitioned", f"user:{officer.public_id}"),
        ("rights_request.transitioned", f"user:{officer.public_id}"),
        ("rights_request.transitioned", f"user:{officer.public_id}"),
        ("rights_request.transitioned", f"user:{officer.public_id}"),
    ]
    assert [event["payload"].get("to") for event in history] == [
        None, "awaiting_verification", "verified", "in_progress", "fulfilled",
    ]  # fmt: skip
    assert smtp.subjects("camille@example.com")[1:] == [
        "Accusé de réception de votre demande d’accès",
        "Réponse à votre demande d’accès",
    ]


def test_an_extension_moves_the_due_day_and_the_overdue_check(
    run, officer, second_officer, people
) -> None:
    reference = _step(
        run, "submit", "--kind", "erasure", "--email", "camille@example.com",
        "--jurisdiction", "gdpr", "--language", "en", "--as-of", "2025-01-31",
    )["request_id"]  # fmt: skip
    assert run("dsr", "show", reference, "--json").json()["due_on"] == "2025-02-28"
    phoned = _step(run, "verify", reference, "--phone", "--as-of", "2025-02-03")
    assert (phoned["verified_method"], phoned["verified_at"]) == (
        "phone",
        "2025-02-03T00:00:00-05:00",
    )
    assigned = _step(run, "assign", reference, "--to", "dominique.qa", "--as-of", "2025-02-03")
    assert assigned["assigned_to"] == "dominique.qa"
    listed = run("dsr", "list", "--json", "--as-of", "2025-03-01").json()
    assert [(r["request_id"], r["days_left"], r["overdue"]) for r in listed] == [
        (reference, -1, True)
    ]
    extended = _step(run, "extend", reference, "--as-of", "2025-02-28")
    assert (extended["due_on"], extended["extended_on"], extended["days_left"]) == (
        "2025-04-30",  # GDPR: 3 months from receipt, clamped to the month's last day
        "2025-02-28",
        61,
    )
    assert _refusal(run, "extend", reference, "--as", "pat.officer", "--as-of", "2025-03-01") == (
        "the request was already extended"
    )
    with pytest.raises(SystemExit):
        run("dsr", "check", "--as-of", "2025-05-01")
    denied = _step(
        run, "deny", reference, "--reason", "claim_not_covered", "--text", "Not a right here.",
        "--as-of", "2025-03-10",
    )  # fmt: skip
    assert (denied["state"], denied["denial_reason"], denied["closed_at"]) == (
        "denied",
        "claim_not_covered",
        "2025-03-10T00:00:00-04:00",
    )


def _refusal(run, *args: str) -> str:
    with pytest.raises(CommandError) as refused:
        run("dsr", *args)
    return str(refused.value)


def test_refusals_name_the_option_and_write_nothing(run, officer, sales_user, people) -> None:
    submit = ("submit", "--kind", "access", "--email", "camille@example.com",
              "--jurisdiction", "pipeda")  # fmt: skip
    as_officer = ("--as", "pat.officer")
    assert _refusal(run, *submit, "--as", "sam.sales") == (
        "--as: only a privacy officer handles rights requests"
    )
    assert _refusal(run, *submit, "--as", "nobody") == "--as: no active staff account 'nobody'"
    assert _refusal(run, "submit", "--kind", "access", "--email", "nope", "--jurisdiction",
                    "pipeda", *as_officer) == "--email: is not a valid email address"  # fmt: skip
    assert RightsRequest.objects.count() == 0
    reference = _step(run, *submit, "--as-of", "2025-06-02")["request_id"]
    assert _refusal(
        run, "verify", reference, "--code", "000000", *as_officer, "--as-of", "2025-06-02"
    ) == ("--code: the code is wrong")
    assert _refusal(run, "answer", reference, *as_officer, "--as-of", "2025-06-03") == (
        "a request in state awaiting_verification cannot be answered: verify it first"
    )
    assert _refusal(run, "extend", reference, *as_officer, "--as-of", "2025-07-03") == (
        "the extension notice must be sent before the due day"
    )
    withdrawn = _step(run, "withdraw", reference, "--as-of", "2025-06-04")
    assert (withdrawn["state"], withdrawn["closed_at"]) == (
        "withdrawn",
        "2025-06-04T00:00:00-04:00",
    )
    assert _refusal(
        run, "deny", reference, "--reason", "other", *as_officer, "--as-of", "2025-06-05"
    ) == ("a request in state withdrawn cannot become denied")
    assert _refusal(run, "withdraw", "3f0c2a9e-5b1d-4c7e-9a43-0d6b1f2e8c11", *as_officer) == (
        "no rights request with that reference"
    )


def test_the_workflow_speaks_french(officer, people) -> None:
    out = io.StringIO()
    with translation.override("fr"):
        call_command(
            "dsr", "submit", "--kind", "access", "--email", "camille@example.com",
            "--jurisdiction", "quebec", "--as", "pat.officer", "--as-of", "2025-03-03",
            stdout=out,
        )  # fmt: skip
        rights = RightsRequest.objects.get()
        assert out.getvalue() == (
            f"Demande {rights.public_id} enregistrée (access, quebec), à traiter au plus tard "
            "le 2025-04-02\u00a0; un code à usage unique a été envoyé à l’adresse donnée.\n"
        )
        with pytest.raises(CommandError) as refused:
            call_command("dsr", "extend", str(rights.public_id), "--as", "pat.officer")
    assert str(refused.value) == "la loi québécoise ne permet aucune prolongation des 30 jours"


def test_show_accepts_the_short_reference_the_console_shows(run, frozen) -> None:
    first, second = _submit(TODAY), _submit(TODAY)
    RightsRequest.objects.filter(pk=first.pk).update(
        public_id=uuid.UUID("abcdef02-0000-4000-8000-000000000001")
    )
    RightsRequest.objects.filter(pk=second.pk).update(
        public_id=uuid.UUID("abcdef01-9999-4000-8000-000000000002")
    )
    shown = run("dsr", "show", "ABCDEF01", "--json").json()
    assert shown["request_id"] == "abcdef01-9999-4000-8000-000000000002"
    shown_text = run("dsr", "show", "abcdef01").stdout
    assert shown_text.splitlines()[0].endswith("abcdef01-9999-4000-8000-000000000002")
    assert run("dsr", "show", "abcdef02", "--json").json()["request_id"] == (
        "abcdef02-0000-4000-8000-000000000001"
    )


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "no rights request with that reference"),
        ("fr", "aucune demande ne porte cette référence"),
    ],
)
def test_a_short_reference_shared_by_two_requests_is_refused(language, said, frozen) -> None:
    for number, rights in enumerate((_submit(TODAY), _submit(TODAY))):
        RightsRequest.objects.filter(pk=rights.pk).update(
            public_id=uuid.UUID(f"abcdef01-000{number}-4000-8000-000000000000")
        )
    with translation.override(language), pytest.raises(CommandError) as refused:
        call_command("dsr", "show", "abcdef01", stdout=io.StringIO())
    assert str(refused.value) == said


@pytest.mark.parametrize(
    ("language", "count", "said"),
    [
        ("en", 1, "1 rights request past the due day.\n"),
        ("en", 2, "2 rights requests past the due day.\n"),
        ("fr", 1, "1 demande d’exercice de droits en retard sur l’échéance.\n"),
        ("fr", 2, "2 demandes d’exercice de droits en retard sur l’échéance.\n"),
    ],
)
def test_check_counts_agree_with_their_number(language, count, said, frozen) -> None:
    for _ in range(count):
        _verified(_submit(TODAY))
    err = io.StringIO()
    with translation.override(language), pytest.raises(SystemExit):
        call_command("dsr", "check", "--as-of", "2026-12-26", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == said


def test_the_listing_says_words_with_the_short_reference(run, frozen) -> None:
    """The table is for people: the console's short reference, the right, state and law in
    the reader's words, an alert for an overdue request; `dsr show` takes the reference."""
    late = _verified(_submit(TODAY))
    lines = run("dsr", "list", "--as-of", "2026-12-26").stdout.splitlines()
    short = str(late.public_id)[:8]
    assert lines[0].split() == [
        "Reference", "Right", "State", "Law", "Received", "Due", "Days", "left", "Alert",
    ]  # fmt: skip
    assert lines[1].split() == [short, "Access", "Verified", "Quebec", "2026-11-25",
                                "2026-12-25", "-1", "OVERDUE"]  # fmt: skip
    assert lines[2:] == ["1 request"]
    assert run("dsr", "show", short, "--json").json()["request_id"] == str(late.public_id)
    out = io.StringIO()
    with translation.override("fr"):
        call_command("dsr", "list", "--as-of", "2026-12-26", stdout=out)
    french = out.getvalue().splitlines()
    assert french[1].split() == [short, "Accès", "Vérifiée", "Québec", "2026-11-25",
                                 "2026-12-25", "-1", "EN", "RETARD"]  # fmt: skip
    assert french[2:] == ["1 demande"]
