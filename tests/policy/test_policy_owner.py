"""The policy file names the sources, purposes, legal bases and retention rules; the modules
that apply them read it (policy/domain/collection.py) instead of naming them again (STYLE.md:
nothing else hard-codes a source, field, purpose, basis or rule id that the policy defines).

Scanned: the modules issue 13 moved to the policy (retention, registry, the sync and manual
collection, rights-request fulfilment, permissions). The scan reads each module's string
constants (no import) and fails on one that is an id of the policy file.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import omni_privacy
from omni_privacy.policy.loader import SHIPPED_POLICY

PACKAGE = Path(omni_privacy.__file__).resolve().parent
SCANNED = (
    "retention",
    "registry",
    "intake/services.py",
    "intake/staging.py",
    "intake/contacts.py",
    "console/intake_views.py",
    "dsr/fulfilment.py",
    "dsr/selectors.py",
    "accounts/permissions.py",
)
# Where an id may stand, and why:
ALLOWED = {
    # The team -> source pairing is accounts' own (docs/roles.md); the sources are the policy's.
    "accounts/permissions.py": {"customer_service", "sales", "administrative"},
    # The model's choices, kept for its migrations (a later issue drops them).
    "registry/models.py": {"software_profile", "customer_service", "sales", "administrative"},
    # `contacted_us` is the contact source's fact; to read collection.contact_source once the
    # importer's own change (issue 13, errors as codes) is merged.
    "registry/importer.py": {"sales"},
}


def _policy_ids() -> set[str]:
    raw = tomllib.loads(SHIPPED_POLICY.read_text(encoding="utf-8"))
    return (
        set(raw["sources"])
        | set(raw["purposes"])
        | set(raw["legal_bases"])
        | {rule["id"] for rule in raw["retention"]}
    )


def _modules() -> list[Path]:
    found: list[Path] = []
    for name in SCANNED:
        path = PACKAGE / name
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [path for path in found if "migrations" not in path.parts]


def strings_in(source: str, wanted: set[str]) -> list[tuple[int, str]]:
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in wanted
    )


def test_no_scanned_module_names_what_the_policy_file_defines() -> None:
    ids = _policy_ids()
    found = {}
    for path in _modules():
        name = path.relative_to(PACKAGE).as_posix()
        hits = [
            (line, value)
            for line, value in strings_in(path.read_text(encoding="utf-8"), ids)
            if value not in ALLOWED.get(name, set())
        ]
        if hits:
            found[name] = hits
    assert found == {}


def test_the_scan_sees_a_hard_coded_purpose() -> None:
    snippet = 'PURPOSE = "communication_obligations"\nrule = {"id": "sales_last_contact"}\n'
    assert strings_in(snippet, _policy_ids()) == [
        (1, "communication_obligations"),
        (2, "sales_last_contact"),
    ]
    assert len(_modules()) > 20  # the scan reads the modules it names
