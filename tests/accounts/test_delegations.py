"""Written delegations of the privacy-officer role (notice §12): who holds it on a given day,
the services that record and revoke them (audited), and `omni-privacy officers`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.core.management.base import CommandError
from django.utils import translation

from omni_privacy.accounts.models import PrivacyOfficerDelegation, Team, User
from omni_privacy.accounts.permissions import request_officers
from omni_privacy.accounts.selectors import privacy_officers
from omni_privacy.accounts.services import privacy_officer_delegate, privacy_officer_revoke
from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.errors import InvalidInputError
from tests.said import Said

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_reader() -> Iterator[None]:
    """The refusals are read as an English reader reads them (French: tests/core)."""
    with translation.override("en"):
        yield


AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/Toronto"))


def _officer(username: str) -> User:
    return User.objects.create_user(username=username, team=Team.PRIVACY_OFFICE)


def _delegate(user: User, start: dt.date, until: dt.date | None = None, actor="test"):
    return privacy_officer_delegate(
        user=user, valid_from=start, valid_until=until, document="DEL-2024-01", actor=actor, at=AT
    )


def test_privacy_officers_are_the_holders_of_a_current_delegation_on_the_day() -> None:
    ceo, lead, former = _officer("ceo"), _officer("qa-lead"), _officer("former")
    _officer("undelegated")
    _delegate(ceo, dt.date(2024, 2, 8))
    _delegate(lead, dt.date(2025, 1, 1), until=dt.date(2026, 12, 31))
    _delegate(former, dt.date(2020, 1, 1), until=dt.date(2023, 12, 31))
    assert privacy_officers(at=dt.date(2023, 12, 31)) == [former]
    assert privacy_officers(at=dt.date(2024, 1, 1)) == []
    assert privacy_officers(at=dt.date(2024, 2, 8)) == [ceo]
    assert privacy_officers(at=dt.date(2026, 11, 25)) == [ceo, lead]
    assert privacy_officers(at=dt.date(2026, 12, 31)) == [ceo, lead]
    assert privacy_officers(at=dt.date(2027, 1, 1)) == [ceo]
    ceo.is_active = False
    ceo.save()
    assert privacy_officers(at=dt.date(2026, 11, 25)) == [lead]


def test_two_delegations_of_one_person_count_once_and_revocation_ends_the_role() -> None:
    lead = _officer("qa-lead")
    first = _delegate(lead, dt.date(2024, 1, 1))
    _delegate(lead, dt.date(2025, 1, 1))
    assert privacy_officers(at=dt.date(2025, 6, 1)) == [lead]
    for item in PrivacyOfficerDelegation.objects.all():
        privacy_officer_revoke(delegation=item, on=dt.date(2026, 1, 1), actor="test", at=AT)
    assert privacy_officers(at=dt.date(2025, 12, 31)) == [lead]
    assert privacy_officers(at=dt.date(2026, 1, 1)) == []
    with pytest.raises(InvalidInputError, match="is already revoked"):
        privacy_officer_revoke(delegation=first, on=dt.date(2026, 2, 1), actor="test", at=AT)
    assert PrivacyOfficerDelegation.objects.get(pk=first.pk).revoked_on == dt.date(2026, 1, 1)


def test_delegation_and_revocation_are_audited_without_personal_data() -> None:
    recorder = _officer("ceo")
    lead = _officer("qa-lead")
    delegation = _delegate(lead, dt.date(2025, 1, 1), actor=recorder)
    assert delegation.recorded_by == recorder
    privacy_officer_revoke(delegation=delegation, on=dt.date(2026, 1, 1), actor="cli", at=AT)
    events = list(AuditEvent.objects.order_by("sequence").values("actor", "action", "payload"))
    assert events == [
        {
            "actor": f"user:{recorder.public_id}",
            "action": "privacy_officer.delegated",
            "payload": {"user": str(lead.public_id), "from": "2025-01-01", "until": None},
        },
        {
            "actor": "cli",
            "action": "privacy_officer.revoked",
            "payload": {"user": str(lead.public_id), "on": "2026-01-01"},
        },
    ]


def test_refused_delegations_name_the_field_and_write_nothing() -> None:
    sales = User.objects.create_user(username="sam", team=Team.SALES)
    lead = _officer("qa-lead")
    with pytest.raises(InvalidInputError) as refused:
        privacy_officer_delegate(
            user=sales,
            valid_from=dt.date(2025, 1, 1),
            valid_until=dt.date(2024, 1, 1),
            document=" ",
            actor="test",
            at=AT,
        )
    assert refused.value.errors == [
        Said("user", "must be an active account of the privacy office team"),
        Said("document", "is required: the reference of the signed delegation"),
        Said("until", "is before the first day (--from)"),
    ]
    with pytest.raises(InvalidInputError, match="only a privacy officer may do this"):
        _delegate(lead, dt.date(2025, 1, 1), actor=sales)
    assert (PrivacyOfficerDelegation.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_officers_command_delegates_lists_and_revokes(run) -> None:
    ceo = _officer("ceo")
    out = run("officers", "delegate", "ceo", "--from", "2024-02-08", "--document", "DEL-1")
    delegation = PrivacyOfficerDelegation.objects.get()
    assert out.stdout == f"Delegation recorded: {delegation.public_id}\n"
    assert (
        delegation.user,
        delegation.valid_from,
        delegation.valid_until,
        delegation.document,
    ) == (
        ceo,
        dt.date(2024, 2, 8),
        None,
        "DEL-1",
    )
    listed = run("officers", "list", "--as-of", "2026-11-25", "--json").json()
    assert listed == [
        {
            "id": str(delegation.public_id),
            "username": "ceo",
            "from": "2024-02-08",
            "until": None,
            "document": "DEL-1",
            "revoked_on": None,
            "holds": True,
        }
    ]
    assert run("officers", "list", "--as-of", "2024-02-07", "--json").json()[0]["holds"] is False
    out = run("officers", "revoke", str(delegation.public_id), "--on", "2026-12-01")
    assert out.stdout == "Delegation revoked from 2026-12-01.\n"
    assert privacy_officers(at=dt.date(2026, 12, 1)) == []
    lines = run("officers", "list", "--as-of", "2026-11-30").stdout.splitlines()
    assert lines[1].split()[:6] == ["ceo", "2024-02-08", "—", "2026-12-01", "yes", "DEL-1"]


def test_officers_command_refusals(run) -> None:
    User.objects.create_user(username="sam", team=Team.SALES)
    cases = [
        (("delegate", "nobody", "--from", "2024-02-08", "--document", "D"),
         "USERNAME: no staff account 'nobody'"),
        (("delegate", "sam", "--from", "2024-02-08", "--document", "D"),
         "USERNAME: must be an active account of the privacy office team"),
        (("delegate", "sam", "--from", "08/02/2024", "--document", "D"),
         "--from must be a date as YYYY-MM-DD, not '08/02/2024'"),
        (("revoke", "not-an-id"), "DELEGATION: no delegation with this id"),
    ]  # fmt: skip
    for arguments, message in cases:
        with pytest.raises(CommandError) as refused:
            run("officers", *arguments)
        assert str(refused.value) == message
    assert PrivacyOfficerDelegation.objects.count() == 0


def test_requests_go_to_the_delegated_officers_or_before_any_delegation_to_the_office() -> None:
    ceo, lead = _officer("ceo"), _officer("qa-lead")
    User.objects.create_user(username="sam", team=Team.SALES)
    assert request_officers(at=dt.date(2026, 11, 25)) == [ceo, lead]  # a new installation
    _delegate(lead, dt.date(2025, 1, 1))
    assert request_officers(at=dt.date(2026, 11, 25)) == [lead]
    assert request_officers(at=dt.date(2024, 12, 31)) == []
