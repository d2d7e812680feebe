"""Reads the policy file: the shipped one by default, or OMNI_POLICY_FILE."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from omni_privacy.policy.domain.schema import Policy, PolicyError, parse_policy

SHIPPED_POLICY = Path(__file__).with_name("omni-QAC-REC-004-v2.toml")


def load_policy_file(path: Path) -> Policy:
    """Parse and validate ``path``; raise PolicyError naming the bad key (or TOML line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError("(file)", f"cannot read {path}: {exc.strerror}") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError("(file)", f"not valid TOML: {exc}") from exc
    return parse_policy(raw)


@functools.cache
def _cached(path: str) -> Policy:
    return load_policy_file(Path(path))


def active_policy() -> Policy:
    """The policy in force for this installation (cached per process)."""
    from django.conf import settings

    configured = getattr(settings, "OMNI_POLICY_FILE", "") or str(SHIPPED_POLICY)
    return _cached(configured)
