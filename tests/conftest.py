"""Shared fixtures. The suite runs once on SQLite and once on PostgreSQL (OMNI_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt

import pytest

from omni_privacy.policy.domain.schema import Policy
from omni_privacy.policy.loader import SHIPPED_POLICY, load_policy_file


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy_file(SHIPPED_POLICY)


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _isolated_var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
