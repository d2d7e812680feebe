"""The real `omni-privacy` console script against a fresh SQLite file: migrate, import,
plan, look someone up, verify the audit log, check a policy file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from omni_privacy.policy.loader import SHIPPED_POLICY

SCRIPT = Path(sys.executable).with_name("omni-privacy")

LINES = [
    {
        "type": "organization",
        "id": "acme",
        "name": "Acme Inc.",
        "subscriptions": [{"start": "2022-01-01", "end": "2024-12-31"}],
        "purchasing_group_contracts": [],
    },
    {
        "type": "holding",
        "source": "customer_service",
        "organization": "acme",
        "person": {"full_name": "Léa Tremblay", "email": "lea@example.com"},
        "purpose": "service_obligations",
        "legal_basis": "contract",
        "channel": "form",
        "collected_at": "2024-03-01",
    },
]


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OMNI_")}
    env.update(
        OMNI_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        OMNI_VAR_DIR=str(tmp_path / "var"),
        OMNI_SECRET_KEY="test-only-secret-key-for-the-cli-run",
    )
    return subprocess.run(
        [str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_console_script_end_to_end(tmp_path: Path) -> None:
    migrated = _cli(tmp_path, "migrate", "--no-input", "-v", "0")
    assert (migrated.returncode, migrated.stderr) == (0, "")

    data = tmp_path / "import.jsonl"
    data.write_text("\n".join(json.dumps(line) for line in LINES) + "\n", encoding="utf-8")
    imported = _cli(tmp_path, "import", str(data), "--as-of", "2025-01-20")
    assert (imported.returncode, imported.stderr) == (0, "")
    assert re.findall(r"\d+", imported.stdout) == ["1", "0", "1", "0"]

    plan = _cli(tmp_path, "retention", "plan", "--as-of", "2025-01-20", "--json")
    assert plan.returncode == 0
    rows = json.loads(plan.stdout)
    assert [
        {key: row[key] for key in ("source", "organization", "rule", "due_at", "status")}
        for row in rows
    ] == [
        {
            "source": "customer_service",
            "organization": "acme",
            "rule": "service_not_renewed",
            "due_at": "2025-01-01",
            "status": "due",
        }
    ]

    person = _cli(tmp_path, "people", "show", "lea@example.com", "--as-of", "2025-01-20", "--json")
    assert person.returncode == 0
    shown = json.loads(person.stdout)
    assert [h["holding_id"] for h in shown["holdings"]] == [rows[0]["holding_id"]]

    unknown = _cli(tmp_path, "people", "show", "nobody@example.com", "--as-of", "2025-01-20")
    assert unknown.returncode == 1
    assert "nobody@example.com" not in unknown.stderr

    verified = _cli(tmp_path, "audit", "verify")
    assert verified.returncode == 0
    assert re.findall(r"\d+", verified.stdout) == ["2"]

    bad_lines = tmp_path / "bad.jsonl"
    bad_lines.write_text('{"type": "holding"}\n', encoding="utf-8")
    refused = _cli(tmp_path, "import", str(bad_lines))
    assert refused.returncode == 1
    # The messages follow the installation's language ("line 1:" or « ligne 1 : »);
    # the line number and the key names do not.
    *problems, summary = refused.stderr.splitlines()
    assert [list(re.match(r"\D*(\d+)\s*:\s*(\w+)", problem).groups()) for problem in problems] == [
        ["1", key]
        for key in (
            "source",
            "organization",
            "purpose",
            "legal_basis",
            "channel",
            "person",
            "collected_at",
        )
    ]
    assert summary.startswith("7 ")  # the words alone, no "CommandError:" before them

    ok = _cli(tmp_path, "policy", "check", str(SHIPPED_POLICY))
    assert (ok.returncode, ok.stdout.strip().endswith("QAC-REC-004 v2")) == (0, True)
    broken = tmp_path / "broken.toml"
    broken.write_text(
        SHIPPED_POLICY.read_text(encoding="utf-8").replace(
            'trigger = "last_contact"', 'trigger = "x"'
        ),
        encoding="utf-8",
    )
    failed = _cli(tmp_path, "policy", "check", str(broken))
    assert failed.returncode == 1
    assert "retention[3].trigger: unknown 'x'" in failed.stderr
