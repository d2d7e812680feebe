"""Staff API tokens (issue 15 point 5): a name, a scope and an expiry; listed and revoked;
the API's submissions limited per address (shared with the portal) and per token."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from omni_privacy.accounts.models import StaffApiToken, Team, User
from omni_privacy.accounts.tokens import api_token_create, api_token_revoke, api_token_user
from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.errors import Conflict, InvalidInputError

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def sales(db) -> User:
    return User.objects.create_user(username="sam.sales", password="x" * 20, team=Team.SALES)


@pytest.fixture
def chief(db) -> User:
    return User.objects.create_user(
        username="pat.officer", password="x" * 20, team=Team.PRIVACY_OFFICE
    )


@time_machine.travel(NOW, tick=False)
def test_a_token_expires_and_can_be_revoked(sales) -> None:
    token, raw = api_token_create(user=sales, actor="test", name="CRM", days=30)
    assert (token.name, token.scopes) == ("CRM", ["rights"])
    assert api_token_user(raw, now=NOW) == sales
    assert api_token_user(raw, now=NOW + dt.timedelta(days=30)) is None  # expired
    assert api_token_user(raw, now=NOW, scope="queue") is None  # not its scope
    api_token_revoke(prefix=token.prefix, actor="test")
    assert api_token_user(raw, now=NOW) is None
    with pytest.raises(Conflict):
        api_token_revoke(prefix=token.prefix, actor="test")
    assert [e.action for e in AuditEvent.objects.order_by("id")] == [
        "api_token.created",
        "api_token.revoked",
    ]


def test_scopes_and_lifetimes_are_checked(sales, chief) -> None:
    with pytest.raises(InvalidInputError) as refused:
        api_token_create(user=sales, actor="test", scopes=["queue"], days=400)
    assert [p.field for p in refused.value.errors] == ["scope", "days"]
    with translation.override("fr"):
        said = refused.value.said()
    assert said == [
        "scope\u00a0: la portée queue est réservée aux responsables de la protection",
        "days\u00a0: doit être entre 1 et 365 jours",
    ]
    token, _raw = api_token_create(user=chief, actor="test")
    assert token.scopes == ["queue", "rights"]


@time_machine.travel(NOW, tick=False)
def test_the_api_limits_submissions_per_address_and_per_token(client: Client, sales) -> None:
    _token, raw = api_token_create(user=sales, actor="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def submit(email: str) -> int:
        return client.post(
            "/api/v1/data-rights-request",
            {"exercise": ["deletion"], "identity": {"email": email}},
            content_type="application/json",
            **headers,
        ).status_code

    assert [submit("one.person@example.com") for _ in range(4)] == [201, 201, 201, 429]
    # Other addresses go on until the token's own limit (10 an hour, the refused one counted).
    codes = [submit(f"person{n}@example.com") for n in range(7)]
    assert codes == [201] * 6 + [429]


def test_the_cli_creates_lists_and_revokes(sales, capsys) -> None:
    call_command(
        "api-token".replace("-", "_"), "create", "sam.sales", "--name", "CRM", "--days", "7"
    )
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("op_")
    call_command("api_token", "list", "--json")
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["user"], row["name"], row["scopes"], row["state"]) == (
        "sam.sales", "CRM", ["rights"], "active")  # fmt: skip
    assert raw not in json.dumps(row)
    call_command("api_token", "revoke", row["prefix"])
    assert StaffApiToken.objects.get().revoked_at is not None
    with translation.override("fr"), pytest.raises(CommandError) as refused:
        call_command("api_token", "revoke", row["prefix"])
    assert str(refused.value) == "le jeton est déjà révoqué"


def test_a_token_prefix_never_starts_like_an_option(sales, monkeypatch) -> None:
    from omni_privacy.accounts import tokens

    drawn = iter(["-Abc" + "x" * 39, "Qbc" + "y" * 40])
    monkeypatch.setattr(tokens.secrets, "token_urlsafe", lambda _n: next(drawn))
    row, raw = tokens.api_token_create(user=sales, actor="test", name="CRM")
    assert row.prefix == "Qbcyyy"
    assert raw == "op_Qbc" + "y" * 40
