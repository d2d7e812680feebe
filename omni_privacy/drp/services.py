"""The Data Rights Protocol 1.0 as services: agents, pair-wise tokens, requests and callbacks.

An agent's request enters the same queue as the portal's (``dsr_request_submit``): the person
still proves their address with the code emailed to them (notice §9.2), the same deadlines
and letters apply. DRP carries only two rights, ``access`` and ``deletion``. A request with no
``regime`` (or ``voluntary``) is handled under Quebec's rules: Omni's home law, whose clock is
the strictest. Every change is audited; payloads carry the agent id and the request's id, never
the person's address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import secrets
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from omni_privacy.audit.services import audit_record
from omni_privacy.core import clock
from omni_privacy.core.errors import (
    Conflict,
    InvalidInputError,
    NotAllowed,
    Problem,
    Refused,
    define,
    gettext_noop,
)
from omni_privacy.drp.domain.envelope import Verified, is_verify_key, open_envelope
from omni_privacy.drp.models import Agent, AgentRequest, AgentToken, SignedMessage
from omni_privacy.dsr.domain.states import DRP_STATUS, State, TransitionRefusedError
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.dsr.services import dsr_request_submit, dsr_request_transition

logger = logging.getLogger(__name__)

VERSION = "1.0"
EXERCISES = {"access": "access", "deletion": "erasure"}
REGIMES = {
    "": "quebec",
    "voluntary": "quebec",
    "quebec": "quebec",
    "pipeda": "pipeda",
    "gdpr": "gdpr",
}
TOKEN_LIFETIME = dt.timedelta(days=90)
_AGENT_ID = re.compile(r"[A-Z_]{1,64}")

AGENT_ID_INVALID = define("drp.agent_id_invalid", gettext_noop("use capital letters and _ only"))
AGENT_EXISTS = define("drp.agent_exists", gettext_noop("an agent of that id is registered"))
KEY_INVALID = define("drp.key_invalid", gettext_noop("not a base64 Ed25519 public key"))
NAME_REQUIRED = define("drp.name_required", gettext_noop("is required"))
REPLAYED = define("drp.replayed", gettext_noop("this signed message was already used"))
VERSION_UNSUPPORTED = define("drp.version", gettext_noop("drp.version must be 1.0"))
EXERCISE_UNSUPPORTED = define(
    "drp.exercise", gettext_noop("exercise must be access or deletion (DRP 1.0)")
)
REGIME_UNSUPPORTED = define(
    "drp.regime", gettext_noop("regime must be omitted, voluntary, quebec, pipeda or gdpr")
)
EMAIL_REQUIRED = define("drp.email", gettext_noop("the email claim is required"))
NOT_REVOCABLE = define("drp.not_revocable", gettext_noop("the request can no longer be revoked"))
UNKNOWN_AGENT = define("drp.unknown_agent", gettext_noop("no such agent"))


def business_id() -> str:
    return str(getattr(settings, "OMNI_DRP_BUSINESS_ID", "OMNITECH"))


def _digest(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def agent_register(*, actor: str, agent_id: str, name: str, verify_key: str) -> Agent:
    """Register an authorised agent with its public key (out of band, DRP §3.05)."""
    problems = []
    if not _AGENT_ID.fullmatch(agent_id):
        problems.append(Problem(AGENT_ID_INVALID, field="agent_id"))
    elif Agent.objects.filter(agent_id=agent_id).exists():
        problems.append(Problem(AGENT_EXISTS, field="agent_id"))
    if not name.strip():
        problems.append(Problem(NAME_REQUIRED, field="name"))
    if not is_verify_key(verify_key.strip()):
        problems.append(Problem(KEY_INVALID, field="verify_key"))
    if problems:
        raise InvalidInputError(problems)
    with transaction.atomic():
        agent = Agent.objects.create(
            agent_id=agent_id, name=name.strip(), verify_key=verify_key.strip()
        )
        audit_record(
            actor=actor,
            action="drp.agent_registered",
            object_type="drp_agent",
            object_id=agent_id,
            payload={"key": _digest(agent.verify_key)[:16]},
        )
    return agent


def agent_disable(*, actor: str, agent: Agent) -> Agent:
    """Stop accepting an agent's requests and tokens (its key may be compromised)."""
    with transaction.atomic():
        agent.active = False
        agent.save(update_fields=["active", "updated_at"])
        AgentToken.objects.filter(agent=agent).delete()
        audit_record(
            actor=actor,
            action="drp.agent_disabled",
            object_type="drp_agent",
            object_id=agent.agent_id,
            payload={},
        )
    return agent


def _accept(agent: Agent, body: bytes, now: dt.datetime) -> Verified:
    """Open a signed body from ``agent`` and record it, so that it is accepted once."""
    verified = open_envelope(
        body,
        verify_key=agent.verify_key,
        agent_id=agent.agent_id,
        business_id=business_id(),
        now=now,
    )
    expires = dt.datetime.fromisoformat(str(verified.claims["expires-at"]).replace("Z", "+00:00"))
    try:
        with transaction.atomic():
            SignedMessage.objects.filter(expires_at__lt=now).delete()
            SignedMessage.objects.create(
                digest=_digest(verified.signed), agent=agent, expires_at=expires
            )
    except IntegrityError:
        raise Conflict(REPLAYED) from None
    return verified


def agent_pair(*, agent_id: str, body: bytes, now: dt.datetime | None = None) -> str:
    """DRP §2.05: a signed message from the agent named in the URL earns a pair-wise token.
    Returns the token (shown once; only its digest is kept). Refusals are ``NotAllowed``."""
    now = now or clock.now()
    agent = Agent.objects.filter(agent_id=agent_id, active=True).first()
    if agent is None:
        raise NotAllowed(UNKNOWN_AGENT)
    _accept(agent, body, now)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        AgentToken.objects.create(
            agent=agent, digest=_digest(token), expires_at=now + TOKEN_LIFETIME
        )
        audit_record(
            actor=f"drp:{agent.agent_id}",
            action="drp.agent_paired",
            object_type="drp_agent",
            object_id=agent.agent_id,
            payload={},
        )
    return token


def agent_for_token(token: str, *, now: dt.datetime | None = None) -> Agent | None:
    """The active agent of a current pair-wise token, or ``None``."""
    now = now or clock.now()
    found = (
        AgentToken.objects.select_related("agent")
        .filter(digest=_digest(token), expires_at__gt=now, agent__active=True)
        .first()
    )
    if found is None:
        return None
    AgentToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.agent


def status_of(rights: RightsRequest, link: AgentRequest | None = None) -> dict[str, Any]:
    """The Exercise Status object (DRP §3.03) of a request, from our states and deadlines."""
    state = State(rights.state)
    status: dict[str, Any] = {
        "request_id": str(rights.public_id),
        "received_at": rights.created_at.isoformat(),
        "expected_by": rights.due_on.isoformat(),
        "status": DRP_STATUS[state],
    }
    if link is not None and link.agent_request_id:
        status["agent_request_id"] = link.agent_request_id
    if state == State.AWAITING_VERIFICATION:
        status["status"] = "in_progress"
        status["reason"] = "need_user_verification"
        status["processing_details"] = (
            "The person must enter the code emailed to them (notice §9.2)."
        )
    elif state == State.DENIED:
        status["reason"] = rights.denial_reason or "other"  # DRP's own reasons (dsr DenialReason)
    elif state in (State.VERIFIED, State.IN_PROGRESS):
        status["status"] = "in_progress"
        if rights.extended_on:
            status["processing_details"] = "The deadline was extended as the law allows."
    return status


def drp_request_submit(
    *, agent: Agent, body: bytes, language: str = "en", now: dt.datetime | None = None
) -> tuple[RightsRequest, AgentRequest]:
    """DRP §2.01: an agent's signed request enters the queue as any other rights request."""
    now = now or clock.now()
    verified = _accept(agent, body, now)
    claims = verified.claims
    problems = []
    if claims.get("drp.version") != VERSION:
        problems.append(Problem(VERSION_UNSUPPORTED, field="drp.version"))
    exercise = claims.get("exercise")
    if exercise not in EXERCISES:
        problems.append(Problem(EXERCISE_UNSUPPORTED, field="exercise"))
    regime = claims.get("regime") or ""
    if regime not in REGIMES:
        problems.append(Problem(REGIME_UNSUPPORTED, field="regime"))
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        problems.append(Problem(EMAIL_REQUIRED, field="email"))
    if problems:
        raise InvalidInputError(problems)
    callback = claims.get("status_callback")
    with transaction.atomic():
        rights = dsr_request_submit(
            kind=EXERCISES[str(exercise)],
            email=str(email),
            language=language if language in ("fr", "en") else "en",
            jurisdiction=REGIMES[regime],
            channel="drp",
            actor=f"drp:{agent.agent_id}",
            now=now,
            received_on=clock.today(),
        )
        link = AgentRequest.objects.create(
            agent=agent,
            rights_request=rights,
            agent_request_id=str(claims.get("agent-request-id") or "")[:200],
            status_callback=callback
            if isinstance(callback, str) and callback.startswith(("https://", "http://"))
            else "",
        )
    return rights, link


def drp_request_for(agent: Agent, request_id: str) -> tuple[RightsRequest, AgentRequest]:
    """The agent's own request, or ``NotAllowed`` (DRP §2.02: 403 for another agent's)."""
    public_id = _uuid_or_none(request_id)
    link = (
        None
        if public_id is None
        else AgentRequest.objects.select_related("rights_request", "agent")
        .filter(rights_request__public_id=public_id)
        .first()
    )
    if link is None or link.agent_id != agent.pk:
        raise NotAllowed(UNKNOWN_AGENT)
    return link.rights_request, link


def _uuid_or_none(text: str) -> str | None:
    return text if re.fullmatch(r"[0-9a-fA-F-]{32,36}", text) else None


def drp_request_revoke(
    *, agent: Agent, request_id: str, body: bytes, now: dt.datetime | None = None
) -> tuple[RightsRequest, AgentRequest]:
    """DRP §2.04: the agent revokes (the person withdrew); signed like any request."""
    now = now or clock.now()
    rights, link = drp_request_for(agent, request_id)
    _accept(agent, body, now)
    try:
        rights = dsr_request_transition(
            request=rights,
            target=State.WITHDRAWN,
            user=None,
            now=now,
            actor=f"drp:{agent.agent_id}",
        )
    except TransitionRefusedError:
        raise Refused(NOT_REVOCABLE) from None
    return rights, link


def drp_callbacks_send(*, now: dt.datetime | None = None, timeout: float = 5.0) -> dict[str, int]:
    """DRP §2.03: POST the Exercise Status to each agent whose request changed status since it
    was last told. A failed delivery is tried again at the next run (best effort, as the spec
    says); after 10 failures it stops and the audit log says so."""
    now = now or clock.now()
    counts = {"sent": 0, "failed": 0}
    links = AgentRequest.objects.select_related("rights_request", "agent").exclude(
        status_callback=""
    )
    for link in links.filter(callback_attempts__lt=10):
        status = status_of(link.rights_request, link)
        key = f"{status['status']}:{status.get('reason', '')}"
        if key == link.last_status_sent:
            continue
        body = json.dumps(status).encode()
        request = urllib.request.Request(  # noqa: S310 (an http(s) URL, checked on entry)
            link.status_callback,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
                ok = 200 <= answer.status < 300
        except (urllib.error.URLError, OSError, ValueError):
            ok = False
        with transaction.atomic():
            if ok:
                link.last_status_sent, link.callback_attempts = key, 0
                counts["sent"] += 1
            else:
                link.callback_attempts += 1
                link.callback_failed_at = now
                counts["failed"] += 1
            link.save(
                update_fields=[
                    "last_status_sent",
                    "callback_attempts",
                    "callback_failed_at",
                    "updated_at",
                ]
            )
            audit_record(
                actor="system:drp",
                action="drp.callback_" + ("sent" if ok else "failed"),
                object_type="rights_request",
                object_id=status["request_id"],
                payload={"agent": link.agent.agent_id, "status": status["status"]},
            )
    return counts
