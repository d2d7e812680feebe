"""The rights-request API (issue 6 item 8): the schema builds, every endpoint but the public
policy refuses an unauthenticated call, DRP-flavoured submit/status/revoke, the officers'
queue and transitions."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from omni_privacy.accounts.models import StaffApiToken
from omni_privacy.accounts.tokens import api_token_create
from omni_privacy.api.main import api
from omni_privacy.audit.selectors import person_reads
from omni_privacy.dsr.models import RightsRequest

pytestmark = pytest.mark.django_db

PUBLIC = {("/api/policy", "get")}


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_schema_builds_and_every_private_endpoint_refuses_anonymous_calls(
    client: Client,
) -> None:
    assert client.get("/api/openapi.json").status_code == 401  # staff only (issue 15 §4)
    schema = api.get_openapi_schema()
    assert "/api/v1/data-rights-request" in schema["paths"]
    checked = 0
    for path, operations in schema["paths"].items():
        url = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)
        for method in operations:
            if (path, method) in PUBLIC:
                continue
            body = {} if method == "get" else {"content_type": "application/json", "data": "{}"}
            response = getattr(client, method)(url, **body)
            assert response.status_code == 401, (method, path)
            forged = getattr(client, method)(url, **body, **_bearer("op_forged"))
            assert forged.status_code == 401, (method, path)
            checked += 1
    assert checked == 5


def test_submit_status_and_revoke(
    client: Client, sales_user, frozen, smtp, django_capture_on_commit_callbacks
) -> None:
    _token, raw = api_token_create(user=sales_user, actor="test")
    stored = StaffApiToken.objects.get().token_hash
    assert stored != raw
    assert raw not in stored
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/data-rights-request",
            {
                "regime": "gdpr",
                "exercise": ["deletion"],
                "identity": {"email": "agent.client@example.org"},
                "language": "en",
            },
            content_type="application/json",
            **_bearer(raw),
        )
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["state"], body["received_at"], body["expected_by"]) == (
        "open",
        "awaiting_verification",
        "2026-11-25",
        "2026-12-25",
    )
    assert smtp.subjects("agent.client@example.org")[0].startswith("Your verification code: ")
    rights = RightsRequest.objects.get()
    assert (rights.kind, rights.channel, rights.jurisdiction) == ("erasure", "api", "gdpr")
    status = client.get(f"/api/v1/data-rights-request/{body['request_id']}", **_bearer(raw))
    assert status.json()["status"] == "open"
    revoked = client.delete(f"/api/v1/data-rights-request/{body['request_id']}", **_bearer(raw))
    assert revoked.json()["status"] == "revoked"


def test_bad_input_names_the_field(client: Client, sales_user, frozen) -> None:
    _token, raw = api_token_create(user=sales_user, actor="test")
    response = client.post(
        "/api/v1/data-rights-request",
        {"regime": "ccpa", "exercise": ["access"], "identity": {"email": "not-an-address"}},
        content_type="application/json",
        **_bearer(raw),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "regime: must be one of quebec, pipeda, gdpr; email: is not a valid email address"
    )
    assert RightsRequest.objects.count() == 0


def test_queue_and_transition_need_an_officer(client: Client, sales_user, officer, frozen) -> None:
    _t, staff = api_token_create(user=sales_user, actor="test")
    _t, chief = api_token_create(user=officer, actor="test")
    assert client.get("/api/v1/rights-requests", **_bearer(staff)).status_code == 401
    created = client.post(
        "/api/v1/data-rights-request",
        {"exercise": ["access"], "identity": {"email": "camille@example.com"}},
        content_type="application/json",
        **_bearer(staff),
    ).json()
    queue = client.get("/api/v1/rights-requests", **_bearer(chief)).json()
    assert [(item["request_id"], item["days_left"], item["overdue"]) for item in queue] == [
        (created["request_id"], 30, False)
    ]
    refused = client.post(
        f"/api/v1/rights-requests/{created['request_id']}/transition",
        {"to": "in_progress"},
        content_type="application/json",
        **_bearer(chief),
    )
    assert refused.status_code == 409
    assert (
        refused.json()["detail"]
        == "a request in state awaiting_verification cannot become in_progress"
    )
    denied = client.post(
        f"/api/v1/rights-requests/{created['request_id']}/transition",
        {"to": "denied", "reason": "insuf_verification"},
        content_type="application/json",
        **_bearer(chief),
    )
    assert denied.json()["status"] == "denied"


@pytest.mark.usefixtures("frozen")
def test_an_integration_sees_only_its_own_requests(
    client: Client, sales_user, service_user, officer, people
) -> None:
    camille = people.camille_service.person
    _t, mine = api_token_create(user=sales_user, actor="test")
    _t, theirs = api_token_create(user=service_user, actor="test")
    _t, chief = api_token_create(user=officer, actor="test")
    created = client.post(
        "/api/v1/data-rights-request",
        {"exercise": ["access"], "identity": {"email": "camille@example.com"}},
        content_type="application/json",
        **_bearer(mine),
    ).json()
    url = f"/api/v1/data-rights-request/{created['request_id']}"
    unverified = client.get(url, **_bearer(mine))
    assert unverified.status_code == 200
    assert person_reads(camille.public_id) == []  # no person found yet: nobody's data read
    RightsRequest.objects.update(person=camille)  # as identity verification does
    assert client.get(url, **_bearer(mine)).status_code == 200
    (read,) = person_reads(camille.public_id)  # issue 15 point 3: an API read, for the request
    assert (read.actor, read.payload) == (
        f"user:{sales_user.public_id}",
        {"via": "api", "reason": created["request_id"]},
    )
    assert client.get(url, **_bearer(theirs)).status_code == 404
    assert client.delete(url, **_bearer(theirs)).status_code == 404
    assert client.get(url, **_bearer(chief)).status_code == 200
    assert RightsRequest.objects.get().submitted_by == sales_user
