"""The retention defects found by outside checks (issue 12), replayed through the CLI only.

Each test is a case an outside checker met: it failed before the fix it names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from omni_privacy.registry.models import Holding, HoldingState
from omni_privacy.registry.selectors import person_by_email

pytestmark = pytest.mark.django_db

EMAIL = "remi.contact@example.com"


def _organization(**extra: Any) -> dict[str, Any]:
    return {
        "type": "organization",
        "id": "boreal",
        "name": "Boréal Inc.",
        "subscriptions": [{"start": "2018-01-01", "end": "2024-03-31"}],
        **extra,
    }


def _holding(source: str, collected: str, **extra: Any) -> dict[str, Any]:
    purpose, basis = {
        "sales": ("sales_information", "consent"),
        "administrative": ("order_and_account", "contract"),
    }[source]
    return {
        "type": "holding",
        "source": source,
        "organization": "boreal",
        "person": {"full_name": "Rémi Contact", "email": EMAIL, "preferred_language": "fr"},
        "purpose": purpose,
        "legal_basis": basis,
        "channel": "email",
        "collected_at": collected,
        "last_contact_at": collected,
        "roles": [],
        **extra,
    }


def _live(source: str) -> Holding | None:
    return Holding.objects.filter(
        person=person_by_email(EMAIL), source=source, state__in=["active", "pending_deletion"]
    ).first()


def test_a_sales_contact_after_a_fulfilled_erasure_request_has_its_own_clock(
    run, write_jsonl
) -> None:
    """Case 1: the old request covered the data held when it was made, not a later contact.
    Before the fix the new holding was born with rule sales_erasure_request, due 2025-06-01
    (three months before it was collected), and the sweep of 2025-09-02 deleted it."""
    first = write_jsonl(
        [
            _organization(),
            _holding("administrative", "2022-05-01"),
            _holding("sales", "2025-01-10"),
        ],
        "first.jsonl",
    )
    run("import_jsonl", str(first), "--as-of", "2025-01-10")
    run("people", "request-erasure", EMAIL, "--as-of", "2025-06-01")
    swept = run("retention", "run", "--as-of", "2025-06-01", "--json").json()
    assert swept["processed"] == 1
    assert _live("sales") is None
    kept = _live("administrative")
    assert kept is not None
    assert (kept.retention_rule, str(kept.due_at)) == ("administrative_not_renewed", "2029-03-31")

    again = write_jsonl([_holding("sales", "2025-09-01")], "again.jsonl")
    run("import_jsonl", str(again), "--as-of", "2025-09-01")
    new = _live("sales")
    assert new is not None
    assert (new.retention_rule, str(new.due_at), str(new.deadline_at)) == (
        "sales_last_contact",
        "2030-09-01",
        "2030-10-31",
    )
    check = run("retention", "check", "--as-of", "2025-09-02", "--json").json()
    assert (check["overdue"], check["late"], check["holdings"]) == (0, 0, [])
    assert run("retention", "run", "--as-of", "2025-09-02", "--json").json()["processed"] == 0
    assert _live("sales") == new


def _snapshot(tmp_path: Path, name: str, users: list[dict[str, Any]]) -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(user) + "\n" for user in users), encoding="utf-8")
    return path


def _user(uid: int, email: str, roles: list[str]) -> dict[str, Any]:
    return {
        "user_id": uid,
        "full_name": f"Utilisateur {uid}",
        "email": email,
        "preferred_language": "fr",
        "roles": roles,
    }


def test_an_older_snapshot_after_a_newer_one_is_refused(run, write_jsonl, tmp_path) -> None:
    """Case 2: a snapshot never moves the instance's clock backwards. Before the fix the
    February snapshot, imported after March's, scheduled for deletion the profile of someone
    who still holds the role."""
    org = _organization(subscriptions=[{"start": "2020-01-01", "end": None}])
    run("import_jsonl", str(write_jsonl([org])), "--as-of", "2026-01-01")
    run("instances", "add", "boreal-prod", "--organization", "boreal")
    admin = "system_administrator"
    march = _snapshot(
        tmp_path,
        "march.jsonl",
        [_user(1, "ana@example.com", [admin]), _user(2, "bo@example.com", [admin])],
    )
    february = _snapshot(tmp_path, "february.jsonl", [_user(1, "ana@example.com", [admin])])
    applied = run("sync", "import", "boreal-prod", str(march), "--as-of", "2026-03-01", "--json")
    assert applied.json()[0]["counts"]["added"] == 2

    with pytest.raises(SystemExit) as refused:
        run("sync", "import", "boreal-prod", str(february), "--as-of", "2026-02-01")
    assert refused.value.code == 1
    bo = Holding.objects.get(person=person_by_email("bo@example.com"))
    assert (bo.state, bo.role_removed_at, bo.due_at) == (HoldingState.ACTIVE, None, None)

    # The same day again (a corrected export) and a later day are still applied.
    same = run("sync", "import", "boreal-prod", str(march), "--as-of", "2026-03-01", "--json")
    assert same.json()[0]["counts"]["unchanged"] == 2
    later = run("sync", "import", "boreal-prod", str(february), "--as-of", "2026-04-01", "--json")
    assert later.json()[0]["counts"]["scheduled_for_deletion"] == 1


def test_the_older_snapshot_refusal_speaks_french(run, write_jsonl, tmp_path) -> None:
    import io

    from django.core.management import call_command
    from django.utils import translation

    org = _organization(subscriptions=[{"start": "2020-01-01", "end": None}])
    run("import_jsonl", str(write_jsonl([org])), "--as-of", "2026-01-01")
    run("instances", "add", "boreal-prod", "--organization", "boreal")
    march = _snapshot(
        tmp_path, "march.jsonl", [_user(1, "ana@example.com", ["system_administrator"])]
    )
    run("sync", "import", "boreal-prod", str(march), "--as-of", "2026-03-01")
    err = io.StringIO()
    with translation.override("fr"), pytest.raises(SystemExit):
        call_command(
            "sync", "import", "boreal-prod", str(march), "--as-of", "2026-02-01", stderr=err,
            stdout=io.StringIO(),
        )  # fmt: skip
    assert err.getvalue().splitlines()[1] == (
        "  as_of\u00a0: l’instantané est daté du 2026-02-01, "
        "avant le dernier appliqué (2026-03-01)\u00a0: "
        "un instantané plus ancien ne peut pas être appliqué après un plus récent"
    )
