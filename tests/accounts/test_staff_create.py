"""`accounts.services.staff_create`: the account and its audit event, or a refusal by code
with nothing written (`omni-privacy createstaff` turns the codes into words)."""

from __future__ import annotations

import pytest

from omni_privacy.accounts import services
from omni_privacy.accounts.models import User
from omni_privacy.accounts.services import staff_create
from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.errors import InvalidInputError

pytestmark = pytest.mark.django_db
GOOD = "a-long-enough-passphrase"


def test_staff_create_records_the_account_and_names_only_its_team() -> None:
    user = staff_create(actor="test", username="lgagnon", team="sales", password=GOOD)
    assert (user.username, user.team, user.check_password(GOOD)) == ("lgagnon", "sales", True)
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.object_id, event.payload) == (
        "test",
        "staff.created",
        "user",
        str(user.public_id),
        {"team": "sales"},
    )


@pytest.mark.parametrize(
    ("username", "team", "password", "refusal"),
    [
        ("x", "marketing", GOOD, ("team", services.NOT_TEAM)),
        ("", "sales", GOOD, ("username", services.EMPTY)),
        ("taken", "sales", GOOD, ("username", services.ALREADY_EXISTS)),
        ("x", "sales", "short", ("password", services.WEAK_PASSWORD)),
    ],
)
def test_staff_create_refuses_by_code_and_writes_nothing(
    username: str, team: str, password: str, refusal: tuple[str, str]
) -> None:
    User.objects.create_user(username="taken", team="sales")
    with pytest.raises(InvalidInputError) as caught:
        staff_create(actor="test", username=username, team=team, password=password)
    assert [(error.field, error.code) for error in caught.value.errors] == [refusal]
    assert (User.objects.count(), AuditEvent.objects.count()) == (1, 0)
