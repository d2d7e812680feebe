"""The Data Rights Protocol 1.0 endpoints (docs/drp.md), under ``/drp/v1/``.

Thin: each view reads the bearer token and the signed ``text/plain`` body, calls one service
and answers the spec's JSON. Errors follow DRP §3.06 (``code``, ``message``, ``fatal``), in
English, the protocol's language; the pair-wise key set-up answers a bare 403 (§2.05.1).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from omni_privacy.core.errors import AppError, Conflict, InvalidInputError, NotAllowed, words
from omni_privacy.drp.domain.envelope import EXPIRED, EnvelopeError
from omni_privacy.drp.models import Agent
from omni_privacy.drp.services import (
    agent_for_token,
    agent_pair,
    drp_request_for,
    drp_request_revoke,
    drp_request_submit,
    status_of,
)


def _error(status: int, message: str, *, fatal: bool = False) -> JsonResponse:
    body: dict[str, object] = {"code": str(status), "message": message}
    if fatal:
        body["fatal"] = True
    return JsonResponse(body, status=status)


def _bearer(request: HttpRequest) -> Agent | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return agent_for_token(token.strip())


def _refusal(error: Exception) -> JsonResponse:
    with translation.override("en"):
        if isinstance(error, EnvelopeError):
            return _error(403, words(error.code, error.params), fatal=error.code == EXPIRED)
        if isinstance(error, InvalidInputError):
            return _error(400, "; ".join(error.said()), fatal=True)
        if isinstance(error, Conflict):
            return _error(409, error.message, fatal=True)
        if isinstance(error, NotAllowed):
            return _error(403, error.message)
        if isinstance(error, AppError):
            return _error(409, error.message)
    raise error


@csrf_exempt
@require_http_methods(["GET", "POST"])
def agent(request: HttpRequest, agent_id: str) -> HttpResponse:
    if request.method == "POST":  # §2.05 pair-wise key set-up
        try:
            token = agent_pair(agent_id=agent_id, body=request.body)
        except (EnvelopeError, AppError):
            return HttpResponse(status=403)
        return JsonResponse({"agent-id": agent_id, "token": token})
    found = _bearer(request)  # §2.06 agent information
    if found is None or found.agent_id != agent_id:
        return HttpResponse(status=403)
    return JsonResponse({})


@csrf_exempt
@require_http_methods(["POST"])
def exercise(request: HttpRequest) -> HttpResponse:
    found = _bearer(request)
    if found is None:
        return _error(403, "a current pair-wise bearer token is required")
    try:
        rights, link = drp_request_submit(agent=found, body=request.body)
    except (EnvelopeError, AppError) as error:
        return _refusal(error)
    return JsonResponse(status_of(rights, link))


@csrf_exempt
@require_http_methods(["GET", "DELETE"])
def rights_request(request: HttpRequest, request_id: str) -> HttpResponse:
    found = _bearer(request)
    if found is None:
        return _error(403, "a current pair-wise bearer token is required")
    try:
        if request.method == "DELETE":
            rights, link = drp_request_revoke(agent=found, request_id=request_id, body=request.body)
        else:
            rights, link = drp_request_for(found, request_id)
    except (EnvelopeError, AppError) as error:
        return _refusal(error)
    return JsonResponse(status_of(rights, link))
