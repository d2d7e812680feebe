"""The Data Rights Protocol 1.0, played by an authorised agent with real Ed25519 signatures
(PyNaCl, libsodium's combined mode, base64, text/plain): pairing, an access and a deletion
request through the same queue and verification, status, revocation and the status callback;
tampered, expired, replayed, misaddressed and another agent's bodies refused."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import Client
from nacl.signing import SigningKey

from omni_privacy.audit.models import AuditEvent
from omni_privacy.drp.services import agent_register, drp_callbacks_send
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.dsr.services import dsr_code_check
from tests.dsr.conftest import NOW

pytestmark = pytest.mark.django_db
PERSON = "agent.client@example.org"


class Agent:
    def __init__(self, agent_id: str) -> None:
        self.id = agent_id
        self.key = SigningKey.generate()
        self.public = base64.b64encode(bytes(self.key.verify_key)).decode()
        self.token = ""

    def sign(self, claims: dict, **overrides) -> bytes:
        issued = overrides.pop("issued", NOW)
        body = {
            "agent-id": self.id,
            "business-id": "OMNITECH",
            "issued-at": issued.isoformat(),
            "expires-at": (issued + dt.timedelta(minutes=10)).isoformat(),
            **claims,
        }
        body.update(overrides)
        return base64.b64encode(bytes(self.key.sign(json.dumps(body).encode())))

    def headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}


def _post(client: Client, url: str, body: bytes, **headers) -> object:
    return client.post(url, body, content_type="text/plain", **headers)


@pytest.fixture
def agent(frozen, client: Client) -> Agent:
    played = Agent("CR_AGENT")
    agent_register(actor="test", agent_id=played.id, name="Agent", verify_key=played.public)
    pairing = _post(client, f"/drp/v1/agent/{played.id}", played.sign({"drp.version": "1.0"}))
    assert pairing.status_code == 200
    assert pairing.json()["agent-id"] == played.id
    played.token = pairing.json()["token"]
    assert client.get(f"/drp/v1/agent/{played.id}", **played.headers()).json() == {}
    return played


def _exercise(agent: Agent, exercise: str = "access", **overrides) -> bytes:
    claims = {
        "drp.version": "1.0",
        "exercise": exercise,
        "email": PERSON,
        "agent-request-id": "aa-1",
    }
    return agent.sign(claims, **overrides)


def test_an_agent_submits_follows_and_revokes(
    client, agent, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = _post(
            client, "/drp/v1/data-rights-request", _exercise(agent, "deletion"), **agent.headers()
        )
    assert answer.status_code == 200
    status = answer.json()
    assert (status["status"], status["reason"], status["agent_request_id"]) == (
        "in_progress",
        "need_user_verification",
        "aa-1",
    )
    assert status["expected_by"] == "2026-12-25"  # our deadline calculator (Quebec: 30 days)
    rights = RightsRequest.objects.get()
    assert (rights.kind, rights.channel, rights.jurisdiction) == ("erasure", "drp", "quebec")
    # The same verification as the portal's: the person gets the code by email.
    assert smtp.subjects(PERSON)[0].startswith("Your verification code: ")

    again = client.get(f"/drp/v1/data-rights-request/{status['request_id']}", **agent.headers())
    assert again.json()["status"] == "in_progress"
    revoked = client.delete(
        f"/drp/v1/data-rights-request/{status['request_id']}",
        agent.sign({"reason": "changed my mind"}),
        content_type="text/plain",
        **agent.headers(),
    )
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    for event in AuditEvent.objects.all():
        assert PERSON not in json.dumps(event.payload)


def test_bodies_that_must_be_refused(client, agent, frozen):
    url = "/drp/v1/data-rights-request"
    good = _exercise(agent)
    raw = bytearray(base64.b64decode(good))
    raw[-3] ^= 1  # one bit of the message changed after signing
    tampered = base64.b64encode(bytes(raw))
    cases = {
        "tampered": (_post(client, url, tampered, **agent.headers()), 403),
        "not base64": (_post(client, url, b"{not base64", **agent.headers()), 403),
        "expired": (
            _post(
                client,
                url,
                _exercise(agent, issued=NOW - dt.timedelta(minutes=11)),
                **agent.headers(),
            ),
            403,
        ),
        "issued in the future": (
            _post(
                client,
                url,
                _exercise(agent, issued=NOW + dt.timedelta(minutes=5)),
                **agent.headers(),
            ),
            403,
        ),
        "another business": (
            _post(client, url, _exercise(agent, **{"business-id": "ACME"}), **agent.headers()),
            403,
        ),
        "no token": (_post(client, url, good), 403),
        "unsupported right": (
            _post(client, url, _exercise(agent, "sale:opt_out"), **agent.headers()),
            400,
        ),
    }
    for name, (response, expected) in cases.items():
        assert response.status_code == expected, name
    assert cases["expired"][0].json()["fatal"] is True
    assert "exercise" in cases["unsupported right"][0].json()["message"]
    assert RightsRequest.objects.count() == 0

    assert _post(client, url, good, **agent.headers()).status_code == 200
    replayed = _post(client, url, good, **agent.headers())
    assert replayed.status_code == 409  # one signed message, one request
    assert RightsRequest.objects.count() == 1


def test_one_agent_cannot_use_or_see_anothers(client, agent, frozen):
    other = Agent("OTHER_AGENT")
    agent_register(actor="test", agent_id=other.id, name="Other", verify_key=other.public)
    # Pairing in another agent's name, or signed with the wrong key: a bare 403.
    assert (
        _post(
            client, f"/drp/v1/agent/{agent.id}", other.sign({}, **{"agent-id": agent.id})
        ).status_code
        == 403
    )
    forged = _post(client, f"/drp/v1/agent/{other.id}", agent.sign({}, **{"agent-id": other.id}))
    assert (forged.status_code, forged.content) == (403, b"")
    other.token = _post(client, f"/drp/v1/agent/{other.id}", other.sign({})).json()["token"]
    # A body signed by one agent presented with another's token: refused.
    assert (
        _post(
            client, "/drp/v1/data-rights-request", _exercise(agent), **other.headers()
        ).status_code
        == 403
    )
    mine = _post(client, "/drp/v1/data-rights-request", _exercise(agent), **agent.headers())
    request_id = mine.json()["request_id"]
    assert (
        client.get(f"/drp/v1/data-rights-request/{request_id}", **other.headers()).status_code
        == 403
    )
    assert client.get(f"/drp/v1/agent/{agent.id}", **other.headers()).status_code == 403


class _Callbacks(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Callbacks.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_the_agent_is_told_when_the_status_changes(
    client, agent, frozen, smtp, django_capture_on_commit_callbacks
):
    server = HTTPServer(("127.0.0.1", 0), _Callbacks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Callbacks.received = []
    try:
        url = f"http://127.0.0.1:{server.server_port}/status"
        with django_capture_on_commit_callbacks(execute=True):
            _post(
                client,
                "/drp/v1/data-rights-request",
                _exercise(agent, status_callback=url),
                **agent.headers(),
            )
        assert drp_callbacks_send() == {"sent": 1, "failed": 0}
        assert drp_callbacks_send() == {"sent": 0, "failed": 0}  # nothing new to tell
        rights = RightsRequest.objects.get()
        code = smtp.subjects(PERSON)[0].rsplit(" ", 1)[-1]
        dsr_code_check(request=rights, code=code, now=NOW)
        assert drp_callbacks_send() == {"sent": 1, "failed": 0}
        assert [
            item["reason"] if "reason" in item else item["status"] for item in _Callbacks.received
        ] == ["need_user_verification", "in_progress"]
    finally:
        server.shutdown()
        server.server_close()


def test_the_cli_registers_lists_and_refuses_agents(db, capsys):
    from django.core.management import CommandError, call_command
    from django.utils import translation

    played = Agent("CLI_AGENT")
    call_command("drp", "agent-add", played.id, "--name", "Agent", "--verify-key", played.public)
    call_command("drp", "agents", "--json")
    out = capsys.readouterr().out
    assert json.loads(out.splitlines()[-1]) == [
        {"agent_id": "CLI_AGENT", "name": "Agent", "active": True, "requests": 0}
    ]
    with translation.override("fr"), pytest.raises(CommandError) as refused:
        call_command("drp", "agent-add", "bad id", "--name", "", "--verify-key", "xyz")
    said = str(refused.value)
    assert "agent_id" in said
    assert "verify_key" in said
    call_command("drp", "agent-disable", played.id)
    from omni_privacy.drp.models import Agent as AgentRow

    assert AgentRow.objects.get(agent_id="CLI_AGENT").active is False
