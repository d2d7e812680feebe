"""Staff API tokens in the console (issue 15 point 5), for privacy officers: every token with
its owner, name, scope, expiry and last use (never the token itself), and a revocation that
asks for confirmation first. Creating a token stays on the command line, where it is shown
once to the person who will keep it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from omni_privacy.accounts.models import StaffApiToken
from omni_privacy.accounts.tokens import api_token_revoke, api_tokens
from omni_privacy.audit.services import actor_for
from omni_privacy.console.views import require_officer
from omni_privacy.core import clock
from omni_privacy.core.errors import AppError

NOTICES = {
    "revoked": ("ok", gettext_lazy("The token is revoked: it no longer opens the API.")),
    "already": ("warn", gettext_lazy("This token was already revoked.")),
}


def _state(token: StaffApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= clock.now():
        return "expired"
    return "active"


@require_safe
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    notice = NOTICES.get(request.GET.get("done", ""))
    rows = [{"token": token, "state": _state(token)} for token in api_tokens()]
    return render(
        request,
        "console/tokens.html",
        {"rows": rows, "notice": (notice[0], str(notice[1])) if notice else None},
    )


@require_http_methods(["GET", "POST"])
@login_required
def token_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    """GET: the confirmation, saying what revoking does; POST: revoke."""
    require_officer(request)
    token = StaffApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None:
        return redirect(reverse("console:tokens"))
    if request.method == "GET":
        return render(request, "console/token_revoke.html", {"token": token})
    try:
        api_token_revoke(prefix=prefix, actor=actor_for(request.user))
    except AppError:
        return redirect(f"{reverse('console:tokens')}?done=already")
    return redirect(f"{reverse('console:tokens')}?done=revoked")
