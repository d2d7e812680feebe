"""Public pages of consent and objection: how Global Privacy Control is honoured, the
`/.well-known/gpc.json` resource, and the one-click withdrawal page every mailing links to
(notice §9.1; REQUIREMENTS #19, #22). No cookie on any of them (notice §2.3).

The withdrawal link opens a confirmation page (GET changes nothing, so a mail scanner that
follows links unsubscribes nobody); its button POSTs the same signed token back, with a form
token and a same-origin check instead of a CSRF cookie (core/formtoken.py).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from omni_privacy.consent.domain.decision import SCOPE_ALL
from omni_privacy.consent.services import withdrawal_by_link
from omni_privacy.consent.tokens import read_unsubscribe_token
from omni_privacy.core import clock
from omni_privacy.core.formtoken import form_token, form_token_valid, same_origin
from omni_privacy.policy.loader import active_policy

# The day the GPC statement (portal/_gpc_statement.html) last changed: change both together.
GPC_LAST_UPDATE = "2026-12-01"
FORM_PURPOSE = "unsubscribe"


def _other(language: str) -> str:
    return "en" if language == "fr" else "fr"


@require_safe
def gpc_json(request: HttpRequest) -> JsonResponse:  # noqa: ARG001 - view contract
    """GPC specification §4.1: the site declares that it honours the signal."""
    return JsonResponse({"gpc": True, "lastUpdate": GPC_LAST_UPDATE})


@require_safe
def gpc_page(request: HttpRequest, language: str) -> HttpResponse:
    with translation.override(language):
        other = _other(language)
        return render(
            request,
            "portal/gpc.html",
            {
                "language": language,
                "other_language": other,
                "other_url": reverse(f"portal:gpc_{other}"),
                "last_update": GPC_LAST_UPDATE,
            },
        )


def _scope_label(scope: str, language: str) -> str:
    if scope == SCOPE_ALL:
        return ""
    purpose = active_policy().purposes.get(scope)
    return purpose.label.get(language) if purpose else scope


@csrf_exempt  # the signed form token and the Origin check replace the CSRF cookie
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, language: str, token: str) -> HttpResponse:
    claim = read_unsubscribe_token(token)
    if claim is None:
        raise Http404
    with translation.override(language):
        other = _other(language)
        context = {
            "language": language,
            "other_language": other,
            "other_url": reverse(f"portal:unsubscribe_{other}", kwargs={"token": token}),
            "scope_label": _scope_label(claim.scope, language),
            "form_token": form_token(FORM_PURPOSE),
        }
        if request.method == "GET":
            return render(request, "portal/unsubscribe.html", context)
        if not (
            form_token_valid(request.POST.get("form_token", ""), FORM_PURPOSE)
            and same_origin(request)
        ):
            return render(
                request, "portal/unsubscribe.html", context | {"expired": True}, status=403
            )
        withdrawal_by_link(token=token, language=language, at=clock.now())
        return render(request, "portal/unsubscribe.html", context | {"done": True})
