"""Under CI=true a store test whose server is missing fails; elsewhere it is skipped with the
reason (the CI machine must have PostgreSQL and MariaDB)."""

from __future__ import annotations

import pytest

from tests.stores.conftest import _unavailable


def test_a_missing_server_fails_under_ci(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        _unavailable("MariaDB at 127.0.0.1:3306", ConnectionRefusedError())
    assert str(failed.value) == (
        "MariaDB at 127.0.0.1:3306 is not reachable (ConnectionRefusedError): the store tests "
        "need it"
    )


def test_a_missing_server_is_skipped_elsewhere(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        _unavailable("MariaDB at 127.0.0.1:3306", ConnectionRefusedError())
