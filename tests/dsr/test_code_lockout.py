"""Growing lockout on verification codes (issue 15 §7): five wrong codes are free, then each
wrong one doubles the wait, per request and per address, with a translated message."""

from __future__ import annotations

import pytest
from django.test import Client

from omni_privacy.core.models import ThrottleHit
from omni_privacy.dsr.models import RightsRequest
from tests.dsr.test_portal import _hidden, _submit, _verify

pytestmark = pytest.mark.django_db


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_the_wait_doubles_after_five_wrong_codes_then_a_right_code_verifies(
    client: Client, people, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = _submit(client, "camille@example.com")
    code = smtp.last_code("camille@example.com")
    statuses = [_verify(client, page, _wrong(code)).status_code for _attempt in range(5)]
    assert statuses == [400] * 5
    locked = _verify(client, page, code)
    assert locked.status_code == 429
    assert "Trop de codes erronés. Veuillez réessayer dans 1 minute." in locked.content.decode()
    frozen.shift(61)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/fr/droits/verification/",
            {"ticket": _ticket(page), "form_token": _token(page), "resend": "1"},
            REMOTE_ADDR="192.0.2.10",
        )
    fresh = smtp.last_code("camille@example.com")
    assert _verify(client, page, _wrong(fresh)).status_code == 400  # the 6th: 2 minutes
    again = _verify(client, page, fresh)
    assert again.status_code == 429
    assert "réessayer dans 2 minutes" in again.content.decode()
    frozen.shift(121)  # (each post also counts against the 10 an hour per address)
    assert _verify(client, page, fresh).status_code == 302
    assert RightsRequest.objects.get().state == "verified"
    # Only keyed digests are stored, never the address.
    assert all("@" not in b for b in ThrottleHit.objects.values_list("bucket", flat=True))


def _ticket(page) -> str:
    return _hidden(page.content.decode(), "ticket")


def _token(page) -> str:
    return _hidden(page.content.decode(), "form_token")


def test_the_lockout_follows_the_address_to_a_new_request(
    client: Client, people, smtp, frozen, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = _submit(client, "Camille+Test@Example.com")
    code = smtp.last_code("Camille+Test@example.com")
    for _attempt in range(5):
        _verify(client, first, _wrong(code))
    with django_capture_on_commit_callbacks(execute=True):
        second = _submit(client, "camille+test@example.com")
    new_code = smtp.last_code("camille+test@example.com")
    assert _verify(client, second, new_code).status_code == 429
