"""`omni-privacy retention run|check|replay|hold|release|holds|runs|register` and
`people request-erasure`, on the ops fixture registry (see tests/ops/conftest.py)."""

from __future__ import annotations

import json

import pytest
from django.core.management.base import CommandError

from omni_privacy.registry.models import Holding, HoldingState, Person
from omni_privacy.retention.models import AnonymisedFact, LegalHold, RetentionRun, RunStatus
from tests.factories import StaffFactory

AS_OF = "2026-11-25"
NEXT_DAY = "2026-11-26"

pytestmark = pytest.mark.django_db


def _state(holding) -> str | None:
    """The holding's state; None once it is erased (deleted, or anonymised into an unlinked
    AnonymisedFact row)."""
    return Holding.objects.filter(pk=holding.pk).values_list("state", flat=True).first()


def test_run_acts_on_what_is_due_and_prints_its_receipt(run, registry):
    receipt = run("retention", "run", "--as-of", AS_OF, "--json").json()

    assert receipt["processed"] == 2
    assert receipt["clauses"] == {
        "sales_last_contact": {"clause": "§4 ¶3", "delete": 0, "anonymize": 1, "held": 0},
        "service_not_renewed": {"clause": "§4 ¶2", "delete": 0, "anonymize": 1, "held": 0},
    }
    acted = {str(registry.overdue.public_id), str(registry.due.public_id)}
    assert {receipt["first_holding"], receipt["last_holding"]} == acted
    assert (_state(registry.overdue), _state(registry.due)) == (None, None)
    assert sorted(AnonymisedFact.objects.values_list("retention_rule", flat=True)) == [
        "sales_last_contact",
        "service_not_renewed",
    ]
    assert _state(registry.scheduled) == HoldingState.ACTIVE
    assert _state(registry.kept) == HoldingState.ACTIVE
    run_row = RetentionRun.objects.get(public_id=receipt["run"])
    assert (run_row.status, run_row.processed, run_row.receipt_event) == (
        RunStatus.FINISHED,
        2,
        receipt["receipt_event"],
    )
    again = run("retention", "run", "--as-of", AS_OF, "--json").json()
    assert (again["processed"], again["clauses"]) == (0, {})


def test_text_receipt_names_each_clause(run, registry):
    text = run("retention", "run", "--as-of", AS_OF).stdout
    assert "sales_last_contact" in text
    assert "2 holdings processed, 1 people erased, 0 held by legal holds" in text
    assert "Receipt: audit event #" in text


def test_dry_run_changes_nothing(run, registry):
    report = run("retention", "run", "--as-of", AS_OF, "--dry-run", "--json").json()
    assert (report["dry_run"], report["processed"], report["run"]) == (True, 2, None)
    assert _state(registry.overdue) == HoldingState.ACTIVE
    assert RetentionRun.objects.count() == 0


def test_check_exit_status_and_listing(run, registry):
    with pytest.raises(SystemExit) as exited:
        run("retention", "check", "--as-of", AS_OF, "--json")
    assert exited.value.code == 1
    run("retention", "run", "--as-of", AS_OF)
    listing = run("retention", "check", "--as-of", AS_OF, "--json").json()
    assert listing == {"as_of": AS_OF, "holdings": [], "late": 0, "overdue": 0, "held": 0}


def test_hold_skips_and_reports_then_release_lets_the_next_run_act(run, registry, officer):
    placed = run(
        "retention",
        "hold",
        "--organization",
        "globex",
        "--reason",
        "Litigation 2026-041",
        "--by",
        "pat.officer",
        "--as-of",
        AS_OF,
    ).stdout
    hold = LegalHold.objects.get()
    assert placed.strip() == f"Legal hold placed: {hold.public_id}"

    receipt = run("retention", "run", "--as-of", AS_OF, "--json").json()
    assert receipt["processed"] == 1  # the acme holding; globex's overdue one is held
    assert receipt["clauses"]["sales_last_contact"]["held"] == 1
    assert receipt["holds"] == [str(hold.public_id)]
    assert _state(registry.overdue) == HoldingState.ACTIVE
    listing = run("retention", "check", "--as-of", AS_OF, "--json").json()
    assert (listing["held"], listing["late"], listing["overdue"]) == (1, 0, 0)
    assert listing["holdings"][0]["status"] == "held"

    run("retention", "release", str(hold.public_id), "--by", "pat.officer", "--as-of", NEXT_DAY)
    # Released on the 26th: the 25th stays covered (a replay of that day gives the same answer).
    assert run("retention", "run", "--as-of", AS_OF, "--json").json()["processed"] == 0
    receipt = run("retention", "run", "--as-of", NEXT_DAY, "--json").json()
    assert receipt["processed"] == 1
    assert _state(registry.overdue) is None
    holds = run("retention", "holds", "--json").json()
    assert [(row["organization"], row["active"]) for row in holds] == [("globex", False)]


def test_hold_by_someone_not_a_privacy_officer_is_refused(run, registry, db):
    StaffFactory(username="sam.sales")
    with pytest.raises(CommandError) as refused:
        run("retention", "hold", "--organization", "globex", "--reason", "x", "--by", "sam.sales")
    assert str(refused.value) == "--by: only a privacy officer may place a legal hold"
    assert LegalHold.objects.count() == 0


def test_erasure_request_of_a_non_subscriber_is_acted_on_by_the_next_run(run, registry):
    person = registry.scheduled.person
    message = run("people", "request-erasure", "lea@example.com", "--as-of", AS_OF).stdout
    assert message.strip() == (
        f"Erasure request recorded for person {person.public_id}; 3 holdings rescheduled."
    )
    holding = Holding.objects.get(pk=registry.scheduled.pk)
    assert (holding.retention_rule, holding.due_at.isoformat(), holding.retention_action) == (
        "sales_erasure_request",
        AS_OF,
        "delete",
    )
    receipt = run("retention", "run", "--as-of", AS_OF, "--json").json()
    assert receipt["clauses"]["sales_erasure_request"]["delete"] == 1
    assert not Holding.objects.filter(pk=registry.scheduled.pk).exists()
    # Her customer-service holding was due too (non-renewal); her software profile at a
    # subscribed organisation is kept (the request does not reach it), and so is she.
    assert _state(registry.due) is None
    assert _state(registry.kept) == HoldingState.ACTIVE
    assert Person.objects.filter(pk=person.pk).exists()


def test_runs_register_and_replay(run, registry, settings, tmp_path):
    settings.OMNI_ERASURE_LEDGER = str(tmp_path / "ledger.jsonl")
    receipt = run("retention", "run", "--as-of", AS_OF, "--json").json()
    *lines, mark = (tmp_path / "ledger.jsonl").read_text().splitlines()
    assert len(lines) == receipt["ledger_lines"] == 2
    assert json.loads(mark)["committed"] == json.loads(lines[0])["chunk"]
    assert all("@" not in line for line in lines)

    runs = run("retention", "runs", "--json").json()
    assert [(r["kind"], r["status"], r["processed"]) for r in runs] == [("sweep", "finished", 2)]
    register = run("retention", "register", "--json").json()
    assert len(register) == 1
    assert (register[0]["holdings"], register[0]["by_source"]) == (
        2,
        {"customer_service": {"service_obligations": 1}, "sales": {"sales_information": 1}},
    )
    replay = run("retention", "replay", "--as-of", AS_OF, "--json").json()
    assert (replay["kind"], replay["processed"]) == ("replay", 0)


def test_bad_arguments_are_named(run, registry, officer):
    with pytest.raises(CommandError, match="--as-of must be a date"):
        run("retention", "run", "--as-of", "2026-13-01")
    with pytest.raises(CommandError, match="--chunk must be at least 1"):
        run("retention", "run", "--chunk", "0")
    with pytest.raises(CommandError, match="--organization: no organisation 'nope'"):
        run("retention", "hold", "--organization", "nope", "--reason", "x", "--by", "pat.officer")
    with pytest.raises(CommandError, match="no legal hold 'abc'"):
        run("retention", "release", "abc", "--by", "pat.officer")
    assert json.dumps(run("retention", "holds", "--json").json()) == "[]"
