"""`omni-privacy people show EMAIL`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from omni_privacy.core import clock
from omni_privacy.registry.models import HoldingState, Person


@pytest.mark.django_db
def test_json_shows_the_person_and_every_holding(run, registry) -> None:
    out = run("people", "show", " LEA@example.com ", "--as-of", "2026-11-25", "--json")
    assert out.json() == {
        "status": "held",
        "person": str(registry.due.person.public_id),
        "erasure_requested_at": None,
        "as_of": "2026-11-25",
        "holdings": [
            {
                "holding_id": str(registry.scheduled.public_id),
                "source": "sales",
                "organization": "globex",
                "state": "active",
                "purpose": "sales_information",
                "legal_basis": "consent",
                "channel": "email",
                "fields": {"full_name": "Prospect Example", "email": "lea@example.com"},
                "collected_at": "2021-12-01",
                "last_contact_at": None,
                "due_at": "2026-12-01",
                "deadline_at": "2027-01-30",
                "action": "anonymize",
                "rule": "sales_last_contact",
                "clause": "§4 ¶3",
                "status": "scheduled",
                "roles": [],
                "role_removed_at": None,
            },
            {
                "holding_id": str(registry.kept.public_id),
                "source": "software_profile",
                "organization": "initech",
                "state": "active",
                "purpose": "communication_obligations",
                "legal_basis": "contract",
                "channel": "monthly_sync",
                "fields": {
                    "full_name": "Léa Tremblay",
                    "email": "lea@example.com",
                    "preferred_language": "fr",
                },
                "collected_at": "2024-05-01",
                "last_contact_at": None,
                "due_at": None,
                "deadline_at": None,
                "action": None,
                "rule": None,
                "clause": None,
                "status": "kept",
                "roles": ["system_administrator"],
                "role_removed_at": None,
            },
            {
                "holding_id": str(registry.due.public_id),
                "source": "customer_service",
                "organization": "acme",
                "state": "active",
                "purpose": "service_obligations",
                "legal_basis": "contract",
                "channel": "phone",
                "fields": {
                    "full_name": "Léa Tremblay",
                    "email": "lea@example.com",
                    "phone": "+15145550100",
                    "preferred_language": "fr",
                },
                "collected_at": "2025-06-02",
                "last_contact_at": None,
                "due_at": "2026-11-01",
                "deadline_at": "2026-12-30",
                "action": "anonymize",
                "rule": "service_not_renewed",
                "clause": "§4 ¶2",
                "status": "due",
                "roles": [],
                "role_removed_at": None,
            },
        ],
    }


@pytest.mark.django_db
def test_ended_holdings_are_shown_last_without_status(run, registry) -> None:
    registry.scheduled.state = HoldingState.DELETED
    registry.scheduled.full_name = registry.scheduled.email = None
    registry.scheduled.save()
    holdings = run("people", "show", "lea@example.com", "--as-of", "2026-11-25", "--json").json()[
        "holdings"
    ]
    assert [(h["source"], h["state"], h["status"], h["fields"]) for h in holdings][-1] == (
        "sales",
        "deleted",
        None,
        {},
    )
    assert [h["status"] for h in holdings] == ["kept", "due", None]


@pytest.mark.django_db
def test_text_output(run, registry) -> None:
    out = run("people", "show", "old.prospect@example.com", "--as-of", "2026-11-25")
    assert out.stdout.splitlines() == [
        f"Person {registry.overdue.person.public_id}",
        "",
        f"Holding {registry.overdue.public_id}",
        "  Source: sales",
        "  Organisation: globex",
        "  State: active",
        "  Purpose: sales_information",
        "  Legal basis: consent",
        "  Channel: email",
        "  full_name: Prospect Example",
        "  email: old.prospect@example.com",
        "  Collected: 2021-08-01",
        "  Last contact: —",
        "  Due: 2026-08-01",
        "  Deadline: 2026-09-30",
        "  Action: anonymize",
        "  Clause: §4 ¶3 [sales_last_contact]",
        "  Status: overdue",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["nobody@example.com", "not an address"])
def test_unknown_email_is_refused_without_echoing_it(run, registry, email: str) -> None:
    with pytest.raises(CommandError) as caught:
        run("people", "show", email, "--as-of", "2026-11-25")
    assert str(caught.value) == "no person with that email address"


@pytest.mark.django_db
def test_bad_as_of_names_the_option(run, registry) -> None:
    with pytest.raises(CommandError) as caught:
        run("people", "show", "lea@example.com", "--as-of", "2026-02-30")
    assert str(caught.value) == "--as-of must be a date as YYYY-MM-DD, not '2026-02-30'"


# -- three answers (issue 12 item 6): held, never held, erased ---------------------------------


@pytest.mark.django_db
def test_never_held_is_unknown_in_json_exit_1(run, registry) -> None:
    out = io.StringIO()
    with translation.override("en"), pytest.raises(SystemExit) as exited:
        call_command("people", "show", "nobody@example.com", "--json", stdout=out)
    assert exited.value.code == 1
    assert json.loads(out.getvalue()) == {
        "status": "unknown",
        "as_of": clock.today().isoformat(),
        "person": None,
        "erased_on": None,
        "holdings_erased": 0,
        "holdings": [],
    }
    assert "nobody" not in out.getvalue()


@pytest.mark.django_db
def test_an_erased_person_is_told_apart_through_the_ledger(run, registry) -> None:
    # old.prospect@example.com's only holding is overdue: the sweep of 2026-11-25 erases it.
    assert run("retention", "run", "--as-of", "2026-11-25", "--json").json()["people_erased"] == 1
    assert Person.objects.filter(pk=registry.overdue.person_id).exists() is False
    out = io.StringIO()
    with translation.override("en"), pytest.raises(SystemExit) as exited:
        call_command("people", "show", "Old.Prospect@EXAMPLE.com", "--as-of", "2026-12-01",
                     "--json", stdout=out)  # fmt: skip
    assert exited.value.code == 3
    assert json.loads(out.getvalue()) == {
        "status": "erased",
        "as_of": "2026-12-01",
        "person": None,
        "erased_on": "2026-11-25",
        "holdings_erased": 1,
        "holdings": [],
    }
    text = io.StringIO()
    with translation.override("fr"), pytest.raises(SystemExit):
        call_command("people", "show", "old.prospect@example.com", stdout=text)
    assert text.getvalue() == (
        "Effacée le 2026-11-25\u00a0: 1 fiche supprimée ou anonymisée\u00a0; "
        "plus rien n’est détenu.\n"
    )
    # Someone still held is "held", even after one of their holdings was erased.
    assert run("people", "show", "lea@example.com", "--json").json()["status"] == "held"


@pytest.mark.django_db
def test_roles_and_role_removal_in_text(run, registry) -> None:
    lines = run("people", "show", "lea@example.com", "--as-of", "2026-11-25").stdout.splitlines()
    assert "  Roles: system_administrator" in lines
    assert sum(line.startswith("  Roles:") for line in lines) == 1  # profiles only
