"""Issue 15 point 2 and the password validators: `bootstrap` adds demo accounts and data only
in an explicit demo run on an empty database; a real deployment creates its first privacy
officer with `createstaff`, whose password the validators check on every path."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from omni_privacy.accounts import services
from omni_privacy.accounts.models import Team, User
from omni_privacy.accounts.services import staff_create
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.registry.models import Person

pytestmark = pytest.mark.django_db
WEAK = ["123456789012", "aaaaaaaaaaaa", "abababababab", "omni-demo-passphrase", "password1234"]


@pytest.mark.parametrize("weak", WEAK)
def test_staff_create_refuses_weak_passwords(weak: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        staff_create(actor="test", username="lgagnon", team="sales", password=weak)
    assert refused.value.errors[0].code == services.WEAK_PASSWORD
    assert not User.objects.exists()


@pytest.mark.parametrize("weak", WEAK)
def test_createstaff_refuses_weak_passwords(run, weak: str) -> None:
    with pytest.raises(CommandError, match=r"^--password: "):
        run("createstaff", "--username", "lgagnon", "--team", "sales", "--password", weak)
    assert not User.objects.exists()


def test_createstaff_reads_a_password_file(run, tmp_path) -> None:
    secret = tmp_path / "password"
    secret.write_text("a-strong-first-officer-passphrase\n", encoding="utf-8")
    run(
        "createstaff",
        "--username",
        "ceo",
        "--team",
        "privacy_office",
        "--password-file",
        str(secret),
    )
    user = User.objects.get(username="ceo")
    assert (user.team, user.check_password("a-strong-first-officer-passphrase")) == (
        Team.PRIVACY_OFFICE,
        True,
    )


def test_createstaff_asks_twice_on_a_terminal(run, monkeypatch) -> None:
    answers = iter(["a-strong-first-officer-passphrase", "a-strong-first-officer-passphrase"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))
    run("createstaff", "--username", "ceo", "--team", "privacy_office")
    assert User.objects.get(username="ceo").check_password("a-strong-first-officer-passphrase")


def test_createstaff_refuses_two_different_answers(run, monkeypatch) -> None:
    answers = iter(["a-strong-first-officer-passphrase", "another-one-entirely"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))
    with pytest.raises(CommandError, match="differ"):
        run("createstaff", "--username", "ceo", "--team", "privacy_office")
    assert not User.objects.exists()


def _bootstrap(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("bootstrap", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_bootstrap_refuses_outside_a_demo_run_and_says_why() -> None:
    with pytest.raises(CommandError, match="runs only for a demo") as refused:
        _bootstrap()
    assert "createstaff" in str(refused.value)
    assert not User.objects.exists()
    assert not Person.objects.exists()


def test_bootstrap_refuses_a_database_in_use_even_in_a_demo_run() -> None:
    # the probe of issue 15: demo officers renamed, bootstrap run again
    _bootstrap("--demo", "--as-of", "2026-11-25")
    User.objects.filter(username="officer").update(username="ceo")
    User.objects.filter(username="qalead").update(username="qa")
    with pytest.raises(CommandError, match="empty database"):
        _bootstrap("--demo")
    assert not User.objects.filter(username__in=["officer", "qalead"]).exists()


@override_settings(OMNI_DEMO=True)
def test_omni_demo_makes_a_demo_run_and_the_demo_accounts_sign_in() -> None:
    text = _bootstrap("--as-of", "2026-11-25")
    assert "Demo accounts" in text
    assert "second factor" in text
    officer = User.objects.get(username="officer")
    assert officer.check_password(settings.OMNI_DEMO_PASSWORD)
