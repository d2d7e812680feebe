"""Rights requests over the API (notice §9; Data Rights Protocol 1.0-flavoured).

- ``POST /api/v1/data-rights-request``: an integration (an authorised agent) submits a
  request for a person; the person still verifies their identity with the code emailed to
  them (notice §9.2) before anything is answered.
- ``GET /api/v1/data-rights-request/{id}``: its status, in the protocol's words.
- ``DELETE /api/v1/data-rights-request/{id}``: revoke (the person withdrew it).
- ``GET /api/v1/rights-requests`` and ``POST /api/v1/rights-requests/{id}/transition``: the
  privacy officers' queue and workflow.

Every endpoint needs a staff API token (``Authorization: Bearer op_...``, created by
`omni-privacy api-token create USERNAME`); the queue and the workflow need a privacy
officer's token. Authorised agents use the real Data Rights Protocol 1.0, with Ed25519-signed
bodies, under /drp/ (docs/drp.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from omni_privacy.accounts.models import User
from omni_privacy.accounts.permissions import can_follow_api_request, is_privacy_officer
from omni_privacy.accounts.tokens import api_token_user
from omni_privacy.api.refusals import refused
from omni_privacy.audit.services import actor_for, person_read_record
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.core.throttle import Limit, allow
from omni_privacy.dsr.domain.states import DRP_STATUS, State, TransitionRefusedError
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.dsr.selectors import request_by_id, request_queue
from omni_privacy.dsr.services import dsr_request_deny, dsr_request_submit, dsr_request_transition

router = Router(tags=["rights requests"])

DRP_EXERCISE = {"access": "access", "deletion": "erasure"}
EXERCISES: list[Any] = [
    "access",
    "deletion",
    "rectification",
    "objection",
    "portability",
    "withdrawal",
]


class StaffToken(HttpBearer):
    scope = "rights"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token, now=clock.now(), scope=self.scope)
        if user is not None:
            request.api_token_digest = hashlib.sha256(token.encode()).hexdigest()  # type: ignore[attr-defined]
        return user


class OfficerToken(StaffToken):
    scope = "queue"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = super().authenticate(request, token)
        return user if user is not None and is_privacy_officer(user) else None


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    """422: a sentence naming the field, or django-ninja's list of validation errors (each
    with ``loc``, ``msg`` and ``type``) when the body does not match the schema."""

    detail: str | list[dict[str, Any]]


# As strict as the portal's limits: one address gets at most 3 code mails an hour whatever the
# channel (the same bucket as the portal's), and one token submits at most 10 an hour.
PER_ADDRESS = Limit("rights-request-address", attempts=3, window=dt.timedelta(hours=1))
PER_TOKEN = Limit("rights-request-api-token", attempts=10, window=dt.timedelta(hours=1))
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          422: InvalidOut, 429: ErrorOut}  # fmt: skip


class Identity(Schema):
    # The format lets a schema-driven client send an address the service accepts.
    email: str = Field(..., max_length=254, json_schema_extra={"format": "email"})


class SubmitIn(Schema):
    regime: str = Field("quebec", json_schema_extra={"enum": ["quebec", "pipeda", "gdpr"]})
    """quebec, pipeda or gdpr (DRP's US regimes do not apply to Omni)."""
    exercise: list[str] = Field(
        ...,
        min_length=1,
        max_length=1,
        json_schema_extra={"items": {"type": "string", "enum": list(EXERCISES)}},
    )
    """DRP's ``access`` or ``deletion``, or one of: rectification, objection, portability,
    withdrawal."""
    identity: Identity
    language: Literal["fr", "en"] = "fr"


class StatusOut(Schema):
    request_id: str
    status: str
    state: str
    received_at: dt.date
    expected_by: dt.date
    reason: str | None = None


class QueueItem(Schema):
    request_id: str
    kind: str
    state: str
    jurisdiction: str
    received_on: dt.date
    due_on: dt.date
    days_left: int
    overdue: bool


class TransitionIn(Schema):
    to: Literal["in_progress", "withdrawn", "denied"]
    reason: str = ""
    text: str = ""


def _known_query(request: HttpRequest, *allowed: str) -> None:
    """A query parameter this endpoint does not define is refused (422), not ignored: a
    misspelt filter (``?clossed=true``) would otherwise answer as if it were not there."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise HttpError(422, "unknown query parameter: " + ", ".join(unknown)[:200])


def _status(rights: RightsRequest) -> StatusOut:
    return StatusOut(
        request_id=str(rights.public_id),
        status=DRP_STATUS[State(rights.state)],
        state=rights.state,
        received_at=rights.received_on,
        expected_by=rights.due_on,
        reason=rights.denial_reason or None,
    )


def _owned(request: HttpRequest, request_id: str) -> RightsRequest:
    """A request this caller submitted (privacy officers: any API request)."""
    user: User = request.auth  # type: ignore[attr-defined]
    rights = request_by_id(request_id)
    if rights is None or rights.channel != "api":
        raise HttpError(404, "no such request")
    if not can_follow_api_request(user, submitted_by_id=rights.submitted_by_id):
        raise HttpError(404, "no such request")
    return rights


@router.post(
    "/data-rights-request",
    response={201: StatusOut, **ERRORS},
    auth=StaffToken(),
    summary="Submit a rights request",
)
def submit(request: HttpRequest, body: SubmitIn) -> Status[StatusOut]:
    _known_query(request)
    if len(body.exercise) != 1:
        raise HttpError(422, "exercise: give exactly one right per request")
    digest = request.api_token_digest  # type: ignore[attr-defined]
    if not allow([(PER_ADDRESS, body.identity.email), (PER_TOKEN, digest)]):
        raise HttpError(429, "too many requests: at most 3 an hour for one address")
    kind = DRP_EXERCISE.get(body.exercise[0], body.exercise[0])
    try:
        rights = dsr_request_submit(
            kind=kind,
            email=body.identity.email,
            language=body.language,
            jurisdiction=body.regime,
            channel="api",
            actor=actor_for(request.auth),  # type: ignore[attr-defined]
            submitted_by=request.auth,  # type: ignore[attr-defined]
            now=clock.now(),
            received_on=clock.today(),
        )
    except InvalidInputError as error:
        raise refused(request, 422, error, {"kind": "exercise", "jurisdiction": "regime"}) from None
    return Status(201, _status(rights))


@router.get(
    "/data-rights-request/{request_id}",
    response={200: StatusOut, **ERRORS},
    auth=StaffToken(),
    summary="Status of a request",
)
def status(request: HttpRequest, request_id: str) -> StatusOut:
    _known_query(request)
    rights = _owned(request, request_id)
    if rights.person_id is not None:
        # A request's status tells about the person it concerns: a read, for that request.
        person_read_record(
            user=request.auth,  # type: ignore[attr-defined]
            person_public_id=rights.person.public_id,  # type: ignore[union-attr]
            via="api",
            reason=str(rights.public_id),
        )
    return _status(rights)


@router.delete(
    "/data-rights-request/{request_id}",
    response={200: StatusOut, **ERRORS},
    auth=StaffToken(),
    summary="Revoke a request",
)
def revoke(request: HttpRequest, request_id: str) -> StatusOut:
    _known_query(request)
    rights = _owned(request, request_id)
    try:
        rights = dsr_request_transition(
            request=rights,
            target=State.WITHDRAWN,
            user=None,
            now=clock.now(),
            actor=actor_for(request.auth),  # type: ignore[attr-defined]
        )
    except TransitionRefusedError as conflict:
        raise HttpError(409, str(conflict)) from None
    return _status(rights)


@router.get(
    "/rights-requests",
    response={200: list[QueueItem], **ERRORS},
    auth=OfficerToken(),
    summary="The queue (privacy officers)",
)
def queue(request: HttpRequest, closed: bool = False) -> list[QueueItem]:
    _known_query(request, "closed")
    return [
        QueueItem(
            request_id=str(row.request.public_id),
            kind=row.request.kind,
            state=row.request.state,
            jurisdiction=row.request.jurisdiction,
            received_on=row.request.received_on,
            due_on=row.request.due_on,
            days_left=row.days_left,
            overdue=row.overdue,
        )
        for row in request_queue(today=clock.today(), closed=closed)
    ]


@router.post(
    "/rights-requests/{request_id}/transition",
    response={200: StatusOut, **ERRORS},
    auth=OfficerToken(),
    summary="Move a request (privacy officers)",
)
def transition(request: HttpRequest, request_id: str, body: TransitionIn) -> Any:
    _known_query(request)
    rights = request_by_id(request_id)
    if rights is None:
        raise HttpError(404, "no such request")
    user: User = request.auth  # type: ignore[attr-defined]
    try:
        if body.to == "denied":
            rights = dsr_request_deny(
                request=rights, user=user, reason=body.reason, text=body.text, now=clock.now()
            )
        else:
            rights = dsr_request_transition(
                request=rights, target=body.to, user=user, now=clock.now()
            )
    except InvalidInputError as error:
        raise refused(request, 422, error) from None
    except TransitionRefusedError as conflict:
        raise HttpError(409, str(conflict)) from None
    return _status(rights)
