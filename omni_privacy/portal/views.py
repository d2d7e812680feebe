"""The public information-request form (notice §2.4 scenario 2: "punctual collection by
form"): whoever asks is recorded as a sales contact by form, through the collection gate
(`intake.web_form.information_request_record`).

No cookie (notice §2.3): no session, no CSRF cookie; a signed form token and a same-origin
check instead (core/formtoken.py). Spam: a honeypot field (a filled one gets the same thank-you
page and records nothing) and rate limits per address and per IP address (core/throttle.py).
The thank-you page never says whether the address was already known.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.core.formtoken import form_token, form_token_valid, same_origin
from omni_privacy.core.throttle import Limit, allow
from omni_privacy.intake.web_form import information_request_record
from omni_privacy.portal.forms import InformationRequestForm
from omni_privacy.registry.domain.gate import kind_of

PURPOSE = "information-request"
PER_ADDRESS = Limit("information-request-address", attempts=3, window=dt.timedelta(hours=1))
PER_IP = Limit("information-request-ip", attempts=10, window=dt.timedelta(hours=1))
# The gate's field names, as the form's; its English messages, in the reader's language.
FIELDS = {"person.full_name": "full_name", "person.email": "email", "person.phone": "phone"}
MESSAGES = {
    "email": _("Enter a valid email address."),
    "phone": _("Enter a valid telephone number, or leave it empty."),
    "full_name": _("The name is too long."),
}
CONTROL = _("The name contains a control character.")
URL_NAMES = {"fr": "portal:information_request_fr", "en": "portal:information_request_en"}


def _client_ip(request: HttpRequest) -> str:
    # Behind a proxy, configure it to set REMOTE_ADDR (docs/operations.md); a header the client
    # can write is not trusted here.
    return str(request.META.get("REMOTE_ADDR", ""))


def _page(request: HttpRequest, language: str, context: dict, status: int = 200) -> HttpResponse:
    other = "en" if language == "fr" else "fr"
    context |= {
        "language": language,
        "other_language": other,
        "other_url": reverse(URL_NAMES[other]),
        "form_token": form_token(PURPOSE),
    }
    return render(request, "portal/information_request.html", context, status=status)


def gpc_signal(request: HttpRequest) -> bool:
    """Global Privacy Control: the request says "do not sell or share", which Omni honours as
    an objection to direct marketing (portal/_gpc_statement.html). Only the exact value "1"
    counts (GPC specification §3)."""
    return request.headers.get("Sec-GPC") == "1"


@csrf_exempt  # the signed token and the Origin check replace the CSRF cookie (no cookie here)
@never_cache
@require_http_methods(["GET", "POST"])
def information_request(request: HttpRequest, language: str) -> HttpResponse:
    with translation.override(language):
        if request.method == "GET":
            return _page(request, language, {"form": InformationRequestForm()})
        if not (
            form_token_valid(request.POST.get("form_token", ""), PURPOSE) and same_origin(request)
        ):
            return _page(
                request,
                language,
                {"form": InformationRequestForm(request.POST), "expired": True},
                status=403,
            )
        form = InformationRequestForm(request.POST)
        if not form.is_valid():
            return _page(request, language, {"form": form}, status=400)
        data = form.cleaned_data
        if data["website"]:
            return _page(request, language, {"sent": True})  # a bot: thanked, not recorded
        if not allow([(PER_ADDRESS, data["email"]), (PER_IP, _client_ip(request))]):
            return _page(request, language, {"form": form, "throttled": True}, status=429)
        try:
            information_request_record(
                email=data["email"],
                full_name=data["full_name"],
                phone=data["phone"],
                language=language,
                gpc=gpc_signal(request),
                today=clock.today(),
                now=clock.now(),
            )
        except InvalidInputError as refused:
            for problem in refused.errors:
                name = FIELDS.get(problem.field)
                if name is not None:
                    form.add_error(
                        name, CONTROL if kind_of(problem.code) == "control" else MESSAGES[name]
                    )
                else:
                    form.add_error(None, _("Your request could not be recorded."))
            return _page(request, language, {"form": form}, status=400)
        return _page(request, language, {"sent": True})
