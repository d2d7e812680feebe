"""Who may open what (issue 15's probe, kept as a test): every console and portal URL, GET, as
each identity (signed out, each team, a privacy-office member and a privacy officer). Signed
out, the console sends to sign-in; the pages staff outside the privacy officers may open are
exactly the ones listed here, so a new page open to everyone fails until it is listed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from omni_privacy.accounts.models import Team, User
from omni_privacy.accounts.services import privacy_officer_delegate
from tests.console.conftest import make_user
from tests.core.test_security_headers import _paths

pytestmark = pytest.mark.django_db

# Console pages any signed-in staff member may open (the registry and the person pages are
# filtered to the team's own sources; the sample ids here find nothing).
STAFF_PAGES = frozenset({
    "/console/",
    "/console/account/",
    "/console/account/recovery-codes/",
    "/console/account/second-factor/",
    "/console/language/",
    "/console/login/",
    "/console/login/code/",
    "/console/login/enrol/",
    "/console/record/",
    "/console/record/sample/",
    "/console/retention/",
})  # fmt: skip
IDENTITIES = ("signed_out", *(team.value for team in Team if team != Team.PRIVACY_OFFICE),
              "privacy_office", "officer")  # fmt: skip


def _delegated(username: str) -> User:
    user = make_user(username, Team.PRIVACY_OFFICE)
    privacy_officer_delegate(
        user=user, valid_from=dt.date(2024, 1, 1), document="D-1", actor="test",
        at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    return user


def _client(identity: str, officer: User) -> Client:
    """``privacy_office``: a member of the team without a written delegation, while two
    officers hold one. The office's members act for the officers (accounts/permissions.py
    ``is_privacy_officer``); the delegations name who answers for §12 (docs/roles.md)."""
    client = Client()
    if identity == "officer":
        client.force_login(officer)
    elif identity != "signed_out":
        team = "privacy_office" if identity == "privacy_office" else identity
        client.force_login(make_user(f"probe.{identity}", team))
    return client


def test_every_console_url_as_every_identity() -> None:
    console = [path for path in _paths() if path.startswith("/console/")]
    officer = _delegated("probe.ceo")
    _delegated("probe.qalead")
    seen: dict[str, dict[str, int]] = {}
    for identity in IDENTITIES:
        client = _client(identity, officer)
        seen[identity] = {path: client.get(path).status_code for path in console}
    print(f"role matrix: {len(console)} console URLs x {len(IDENTITIES)} identities")  # noqa: T201
    signed_out_open = {
        path
        for path, status in seen["signed_out"].items()
        if status == 200 and not path.startswith("/console/login")
    }
    assert signed_out_open == set()  # a POST-only address answers 405, and shows nothing
    for identity in ("customer_service", "sales", "administration"):
        opened = {path for path, status in seen[identity].items() if status == 200}
        assert opened <= STAFF_PAGES, (identity, sorted(opened - STAFF_PAGES))
    # A privacy officer (privacy office team) opens the officer-only pages the others may not.
    officer_only = {
        path
        for path, status in seen["officer"].items()
        if status == 200 and seen["sales"][path] == 403
    }
    assert len(officer_only) >= 15, sorted(officer_only)
    assert seen["privacy_office"] == seen["officer"]
    print(f"role matrix: {len(officer_only)} pages only privacy officers open")  # noqa: T201
