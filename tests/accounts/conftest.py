"""Accounts fixtures: the operator-command runner."""

from tests.ops.conftest import run  # noqa: F401 - the operator-command fixture
