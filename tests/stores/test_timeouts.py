"""A statement that runs too long in a store is cancelled, and the cancellation is a failure a
later attempt may cure (issue 17 point 5: store operations with timeouts)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from omni_privacy.stores.connect import db_failure, dispose_engines, engine_for
from omni_privacy.stores.domain.retry import is_transient


@pytest.fixture
def one_second(settings):
    settings.OMNI_STORE_STATEMENT_SECONDS = 1
    dispose_engines()
    yield
    dispose_engines()


@pytest.mark.usefixtures("one_second")
def test_postgresql_cancels_a_statement_past_its_time(request) -> None:
    engine = engine_for("postgresql", request.getfixturevalue("_postgres_db"))
    with engine.connect() as connection, pytest.raises(DBAPIError) as raised:
        connection.execute(sa.text("SELECT pg_sleep(3)"))
    failure = db_failure("statement_failed", raised.value, table="customers")
    assert failure.params["sqlstate"] == "57014"  # query_canceled
    assert is_transient(failure.code, failure.params["sqlstate"])


@pytest.mark.usefixtures("one_second")
def test_mariadb_sessions_carry_the_statement_timeout(request) -> None:
    engine = engine_for("mysql", request.getfixturevalue("_mariadb_db"))
    with engine.connect() as connection:
        assert float(connection.execute(sa.text("SELECT @@max_statement_time")).scalar_one()) == 1
    assert is_transient("statement_failed", "1969")
