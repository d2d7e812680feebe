"""The policy loader: reads the shipped file, or OMNI_POLICY_FILE, and names what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from omni_privacy.policy.domain.schema import PolicyError
from omni_privacy.policy.loader import SHIPPED_POLICY, active_policy, load_policy_file


def test_shipped_file_loads() -> None:
    assert load_policy_file(SHIPPED_POLICY).notice.identifier == "QAC-REC-004"


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy_file(tmp_path / "absent.toml")
    assert caught.value.key == "(file)"
    assert caught.value.message.startswith(f"cannot read {tmp_path / 'absent.toml'}: ")


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('[notice]\nidentifier = "QAC"\nversion = = 2\n', encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy_file(path)
    assert caught.value.key == "(file)"
    assert "line 3" in caught.value.message


def test_schema_error_from_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    text = SHIPPED_POLICY.read_text(encoding="utf-8")
    path.write_text(text.replace('trigger = "last_contact"', 'trigger = "never"'), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy_file(path)
    assert caught.value.key == "retention[3].trigger"


def test_active_policy_reads_the_configured_file(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "policy.toml"
    text = SHIPPED_POLICY.read_text(encoding="utf-8")
    path.write_text(text.replace("version = 2", "version = 3"), encoding="utf-8")
    settings.OMNI_POLICY_FILE = str(path)
    assert active_policy().notice.version == 3
    settings.OMNI_POLICY_FILE = ""
    assert active_policy().notice.version == 2
