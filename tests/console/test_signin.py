"""Staff sign-in (issue 15): the second factor, the lockout, single-use form tokens, the audit
events, the idle timeout and the password change in the console."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from omni_privacy.accounts.models import Team, User
from omni_privacy.audit.models import AuditEvent
from omni_privacy.console.login import login_token
from tests.console.conftest import PASSWORD, make_user

LOGIN = "/console/login/"
REGISTRY = "/console/"
FACTOR = "/console/login/code/"
ENROL = "/console/login/enrol/"


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(
        LOGIN + "?lang=en",
        {"username": username, "password": password, "login_token": login_token()},
        **extra,
    )


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def enrolled(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


# The second factor.


def test_an_officer_without_a_second_factor_enrols_before_being_signed_in(officer) -> None:
    client = Client()
    response = sign_in(client, "pat.officer")
    assert (response.status_code, response["Location"]) == (302, ENROL)
    assert client.get(REGISTRY).status_code == 302  # not signed in yet
    page = client.get(ENROL + "?lang=en")
    html = page.content.decode()
    assert "<svg" in html
    assert "Set up a second factor" in html
    svg = html.split("<svg", 1)[1].split("</svg>")[0]
    assert "http" not in re.sub(r'xmlns(:\w+)?="[^"]+"', "", svg)  # nothing fetched
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert client.post(ENROL, {"code": "000000"}).status_code == 200
    assert client.get(REGISTRY).status_code == 302
    # django-otp slows guessing down after a wrong code (1 s, 2 s, 4 s...): a minute later
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1), tick=False):
        done = client.post(ENROL, {"code": code_for(device)})
        codes = re.findall(r'<span class="code">([0-9a-f]{10})</span>', done.content.decode())
        assert len(codes) == 10
        assert client.get(REGISTRY).status_code == 200
    assert StaticToken.objects.filter(device__user=officer).count() == 10
    (enrolment,) = events("staff.second_factor_enrolled")
    assert enrolment.object_id == str(officer.public_id)
    (signed_in,) = events("staff.signed_in")
    assert signed_in.payload["factor"] == "totp"


def test_an_officer_with_a_second_factor_gives_a_code_after_the_password(officer) -> None:
    device = enrolled(officer)
    client = Client()
    response = sign_in(client, "pat.officer")
    assert (response.status_code, response["Location"]) == (302, FACTOR)
    assert client.get(REGISTRY).status_code == 302
    wrong = client.post(FACTOR, {"code": "123456"})
    assert wrong.status_code == 200
    assert 'role="alert"' in wrong.content.decode()
    assert client.get(REGISTRY).status_code == 302
    assert events("staff.sign_in_failed")[-1].payload == {
        "address": events("staff.sign_in_failed")[-1].payload["address"],
        "locked": False,
    }
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1), tick=False):
        right = client.post(FACTOR, {"code": code_for(device)})
        assert (right.status_code, right["Location"]) == (302, REGISTRY)
        assert client.get(REGISTRY).status_code == 200


def test_a_recovery_code_signs_in_once(officer) -> None:
    from omni_privacy.accounts.signin import _recovery_codes_issue

    enrolled(officer)
    code = _recovery_codes_issue(officer)[0]
    first = Client()
    sign_in(first, "pat.officer")
    assert first.post(FACTOR, {"code": code})["Location"] == REGISTRY
    assert events("staff.signed_in")[-1].payload["factor"] == "recovery"
    second = Client()
    sign_in(second, "pat.officer")
    assert second.post(FACTOR, {"code": code}).status_code == 200
    assert second.get(REGISTRY).status_code == 302


def test_other_staff_sign_in_with_the_password_alone_until_they_enrol(sales_user) -> None:
    client = Client()
    assert sign_in(client, "sam.sales")["Location"] == REGISTRY
    assert events("staff.signed_in")[0].payload["factor"] == "none"


@override_settings(OMNI_DEMO=True)
def test_a_demo_run_lets_officers_in_without_a_second_factor(officer) -> None:
    client = Client()
    assert sign_in(client, "pat.officer")["Location"] == REGISTRY


def test_another_officer_resets_a_second_factor_and_it_is_audited(officer) -> None:
    enrolled(officer)
    other = make_user("lee.officer", Team.PRIVACY_OFFICE)
    client = Client()
    client.force_login(officer)
    # never one's own
    client.post("/console/second-factors/", {"user": str(officer.public_id)})
    assert TOTPDevice.objects.filter(user=officer).exists()
    client.force_login(other)
    page = client.get("/console/second-factors/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Remove second factor" in page.content.decode()
    done = client.post("/console/second-factors/", {"user": str(officer.public_id)})
    assert done["Location"].endswith("?done=reset")
    assert not TOTPDevice.objects.filter(user=officer).exists()
    (reset,) = events("staff.second_factor_reset")
    assert (reset.actor, reset.object_id) == (f"user:{other.public_id}", str(officer.public_id))


def test_staff_who_are_not_officers_may_not_reset_second_factors(sales_user) -> None:
    client = Client()
    client.force_login(sales_user)
    assert client.get("/console/second-factors/").status_code == 403


# The lockout.


def test_the_eleventh_attempt_on_an_account_is_refused_even_with_the_right_password(
    sales_user,
) -> None:
    client = Client()
    for _ in range(10):
        assert sign_in(client, "sam.sales", "not-the-password").status_code in (200, 429)
    refused = sign_in(client, "sam.sales")
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.content.decode()
    assert client.get(REGISTRY).status_code == 302
    assert events("staff.locked_out")


def test_the_31st_attempt_from_one_address_is_refused_even_with_the_right_password(
    sales_user,
) -> None:
    client = Client()
    for attempt in range(30):
        sign_in(client, f"nobody-{attempt % 5}", "not-the-password")
    refused = sign_in(client, "sam.sales")
    assert refused.status_code == 429
    assert client.get(REGISTRY).status_code == 302
    # from another address, the account still signs in
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert sign_in(other, "sam.sales")["Location"] == REGISTRY


def test_a_sign_in_form_token_serves_one_attempt(sales_user) -> None:
    token = login_token()
    client = Client()
    data = {"username": "sam.sales", "password": "not-the-password", "login_token": token}
    assert client.post(LOGIN, data).status_code == 200
    data["password"] = PASSWORD
    assert client.post(LOGIN, data).status_code == 403
    assert client.get(REGISTRY).status_code == 302


def test_sign_in_events_carry_no_username_and_no_address(sales_user) -> None:
    client = Client()
    sign_in(client, "sam.sales", "not-the-password")
    sign_in(client, "sam.sales")
    text = json.dumps([[e.actor, e.object_id, e.payload] for e in AuditEvent.objects.all()])
    assert "sam.sales" not in text
    assert "127.0.0.1" not in text
    (failed,) = events("staff.sign_in_failed")
    assert failed.object_id == str(sales_user.public_id)
    assert failed.payload["address"].startswith("addr-")


# The idle timeout.


@pytest.mark.parametrize(("minutes", "signed_in"), [(29, True), (31, False)])
def test_an_idle_session_is_signed_out(sales_user, minutes: int, signed_in: bool) -> None:
    client = Client()
    client.force_login(sales_user)
    assert client.get(REGISTRY).status_code == 200
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    with time_machine.travel(later, tick=False):
        assert (client.get(REGISTRY).status_code == 200) is signed_in
    assert bool(events("staff.signed_out_idle")) is not signed_in


# The password change.


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "123456789012", "omni-demo-passphrase"])
def test_the_console_refuses_a_weak_new_password(sales_user, weak: str) -> None:
    client = Client()
    client.force_login(sales_user)
    response = client.post(
        "/console/account/?lang=en",
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    sales_user.refresh_from_db()
    assert sales_user.check_password(PASSWORD)
    assert not events("staff.password_changed")


def test_staff_change_their_own_password_and_stay_signed_in(sales_user) -> None:
    client = Client()
    client.force_login(sales_user)
    new = "a-much-longer-new-passphrase-7"
    response = client.post(
        "/console/account/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"].endswith("?done=password")
    sales_user.refresh_from_db()
    assert sales_user.check_password(new)
    assert client.get(REGISTRY).status_code == 200
    (changed,) = events("staff.password_changed")
    assert changed.object_id == str(sales_user.public_id)


def test_staff_enrol_a_second_factor_from_their_account(sales_user) -> None:
    client = Client()
    client.force_login(sales_user)
    assert "<svg" in client.get("/console/account/second-factor/").content.decode()
    device = TOTPDevice.objects.get(user=sales_user, confirmed=False)
    done = client.post("/console/account/second-factor/", {"code": code_for(device)})
    assert done.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    fresh = Client()
    assert sign_in(fresh, "sam.sales")["Location"] == FACTOR
