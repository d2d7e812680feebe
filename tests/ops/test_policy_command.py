"""`omni-privacy policy show|check`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from omni_privacy.policy.loader import SHIPPED_POLICY
from omni_privacy.policy.render import policy_as_dict, policy_as_text

SHIPPED = SHIPPED_POLICY.read_text(encoding="utf-8")


def test_show_json_is_the_policy_as_dict(run, policy) -> None:
    out = run("policy", "show", "--json")
    assert out.json() == json.loads(json.dumps(policy_as_dict(policy)))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_show_text_in_either_language(run, policy, lang: str) -> None:
    out = run("policy", "show", "--lang", lang)
    assert out.stdout == policy_as_text(policy, lang)


def test_show_refuses_an_unknown_language(run) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'de'"):
        run("policy", "show", "--lang", "de")


def test_check_accepts_the_shipped_file(run) -> None:
    assert run("policy", "check", str(SHIPPED_POLICY)).stdout == "OK: QAC-REC-004 v2\n"


def _without_rule(text: str, rule_id: str) -> str:
    blocks = text.split("[[retention]]")
    kept = [block for block in blocks if f'id = "{rule_id}"' not in block]
    assert len(kept) == len(blocks) - 1
    return "[[retention]]".join(kept)


BROKEN: dict[str, tuple[Callable[[str], str], str]] = {
    "missing notice.effective": (
        lambda t: t.replace("effective = 2024-02-08\n", ""),
        "notice.effective: is required",
    ),
    "unknown field in a source": (
        lambda t: t.replace(
            'fields = ["full_name", "email", "phone", "preferred_language"]\n'
            'condition = "contact_or_purchasing_group"',
            'fields = ["full_name", "fax"]\ncondition = "contact_or_purchasing_group"',
        ),
        (
            "sources.sales.fields[1]: unknown 'fax'; expected one of email, full_name, phone, "
            "preferred_language"
        ),
    ),
    "unknown trigger": (
        lambda t: t.replace('trigger = "last_contact"', 'trigger = "last_visit"'),
        (
            "retention[3].trigger: unknown 'last_visit'; expected one of role_removed, "
            "subscription_not_renewed, last_contact, erasure_request"
        ),
    ),
    "source without a retention rule": (
        lambda t: _without_rule(t, "administrative_not_renewed"),
        "sources.administrative: has no retention rule: nothing may be kept forever",
    ),
    "unknown condition": (
        lambda t: t.replace('condition = "service_call"', 'condition = "phone_call"'),
        (
            "sources.customer_service.condition: unknown 'phone_call'; expected one of "
            "profile_role, service_call, contact_or_purchasing_group, contract_process"
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_check_names_the_bad_key(run, tmp_path: Path, case: str) -> None:
    mutate, expected = BROKEN[case]
    broken = mutate(SHIPPED)
    assert broken != SHIPPED
    path = tmp_path / "policy.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("policy", "check", str(path))
    assert str(caught.value) == expected


def test_check_refuses_invalid_toml(run, tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(SHIPPED + "\nthis is not toml\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("policy", "check", str(path))
    assert str(caught.value).startswith("(file): not valid TOML: ")


def test_check_refuses_a_missing_file(run, tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(CommandError) as caught:
        run("policy", "check", str(path))
    assert str(caught.value) == f"(file): cannot read {path}: No such file or directory"
