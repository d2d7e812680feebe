"""Staff accounts: passwords are hashed with Argon2; the team is constrained."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from omni_privacy.accounts.permissions import visible_sources

pytestmark = pytest.mark.django_db


def test_password_hash_is_argon2() -> None:
    user = get_user_model().objects.create_user(
        username="ada", email="ada@example.com", password="correct horse battery", team="sales"
    )
    user.refresh_from_db()
    algorithm, variant = user.password.split("$")[:2]
    assert (algorithm, variant) == ("argon2", "argon2id")
    assert user.check_password("correct horse battery") is True
    assert user.check_password("wrong horse") is False


def test_real_user_permissions() -> None:
    user = get_user_model().objects.create_user(username="grace", team="privacy_office")
    assert visible_sources(user) == {
        "software_profile",
        "customer_service",
        "sales",
        "administrative",
    }
    user.is_active = False
    assert visible_sources(user) == frozenset()


def test_unknown_team_is_refused_by_the_database() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create_user(username="eve", team="marketing")
