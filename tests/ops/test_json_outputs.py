"""`--json` on the commands that report a result (issue 12 item 6): one JSON document on
stdout, parsed and compared whole; and a profile whose roles were removed through `import` is
pending deletion, as docs/collection.md says (the sync does the same)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from omni_privacy.audit.models import AuditEvent
from omni_privacy.registry.models import Holding, Instance
from tests.ops.test_import import GOOD, holding, profile

pytestmark = pytest.mark.django_db


def test_import_json_counts(run, write_jsonl) -> None:
    path = write_jsonl(GOOD)
    assert run("import_jsonl", str(path), "--as-of", "2026-11-25", "--json").json() == {
        "imported": True,
        "as_of": "2026-11-25",
        "organizations": {"created": 2, "updated": 0},
        "holdings": {"recorded": 4, "updated": 0},
    }
    again = run("import_jsonl", str(path), "--as-of", "2026-11-26", "--json").json()
    assert (again["organizations"], again["holdings"]) == (
        {"created": 0, "updated": 2},
        {"recorded": 0, "updated": 4},
    )


def test_import_json_lists_every_problem_and_exits_1(write_jsonl) -> None:
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command(
            "import_jsonl",
            str(write_jsonl([GOOD[0], "{oops", holding(organization="umbrella")])),
            "--json",
            "--as-of",
            "2026-11-25",
            stdout=out,
        )
    assert str(refused.value) == "2 problems: nothing was imported"
    assert json.loads(out.getvalue()) == {
        "imported": False,
        "as_of": "2026-11-25",
        "problems": [
            {
                "line": 2,
                "field": "(line)",
                "message": "is not valid JSON (Expecting property name enclosed in double "
                "quotes at column 2)",
            },
            {
                "line": 3,
                "field": "organization",
                "message": "unknown organisation 'umbrella': define it on an earlier line",
            },
        ],
    }
    assert Holding.objects.count() == 0


def test_a_role_removed_through_import_is_pending_deletion(run, write_jsonl) -> None:
    run("import_jsonl", str(write_jsonl(GOOD)), "--as-of", "2026-11-25")
    removed = profile(instance="initech-prod", roles=[], role_removed_at="2026-12-01")
    run("import_jsonl", str(write_jsonl([removed], "removed.jsonl")), "--as-of", "2026-12-01")
    shown = run("people", "show", "sam@example.org", "--as-of", "2026-12-01", "--json").json()
    assert [
        (h["source"], h["state"], h["roles"], h["role_removed_at"], h["due_at"], h["status"])
        for h in shown["holdings"]
    ] == [("software_profile", "pending_deletion", [], "2026-12-01", "2026-12-01", "due")]
    # Flagged again by a later file: active again, as after a sync that sees the role back.
    back = profile(instance="initech-prod", collected_at="2025-01-15")
    run("import_jsonl", str(write_jsonl([back], "back.jsonl")), "--as-of", "2026-12-05")
    assert list(Holding.objects.filter(source="software_profile").values_list(
        "state", "roles", "role_removed_at"
    )) == [("active", ["system_administrator"], None)]  # fmt: skip


def test_request_erasure_json(run, registry) -> None:
    out = run("people", "request-erasure", "lea@example.com", "--as-of", "2026-11-25", "--json")
    assert out.json() == {
        "person": str(registry.scheduled.person.public_id),
        "requested_on": "2026-11-25",
        "holdings_rescheduled": 3,
    }


def test_instances_add_json(run, registry, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("s3cret-token\n", encoding="utf-8")
    out = run("instances", "add", "acme-prod", "--organization", "acme",
              "--url", "https://acme.example.com/export/users.jsonl",
              "--token-file", str(token), "--json")  # fmt: skip
    assert out.json() == {
        "name": "acme-prod",
        "organization": "acme",
        "export_url": "https://acme.example.com/export/users.jsonl",
        "token": True,
        "last_synced_at": None,
    }
    assert "s3cret" not in out.stdout
    assert Instance.objects.get().code == "acme-prod"


def test_audit_verify_json(run, registry) -> None:
    events = AuditEvent.objects.count()
    assert run("audit", "verify", "--json").json() == {
        "intact": True,
        "events_checked": events,
        "broken_at": None,
        "message": None,
    }
