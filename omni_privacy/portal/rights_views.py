"""The public rights-request pages (notice §9.1-§9.2), in French and English.

No cookie until identity is verified (notice §2.3): the form carries a signed token instead
of a CSRF cookie (core/formtoken.py), with a honeypot and rate limits (core/throttle.py), as
the information-request form does. Whatever address is given, the answer is the same page
and a code is sent to the address: nothing says whether Omni holds data about it. Once the
code is right, the session cookie starts and holds only the request's id.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.core.formtoken import form_token, form_token_valid, same_origin
from omni_privacy.core.throttle import (
    Limit,
    Lockout,
    allow,
    lockout_clear,
    lockout_fail,
    lockout_wait,
)
from omni_privacy.dsr.domain.states import OPEN, State
from omni_privacy.dsr.domain.verification import MAX_TRIES, CodeCheck
from omni_privacy.dsr.exports import BINARY_KINDS, MEDIA_TYPES, export_open, export_token
from omni_privacy.dsr.links import (
    decoy_ticket,
    status_request,
    ticket_for,
    ticket_request,
    ticket_valid,
    verify_path,
)
from omni_privacy.dsr.selectors import request_by_id
from omni_privacy.dsr.services import (
    dsr_code_check,
    dsr_code_resend,
    dsr_export_downloaded,
    dsr_request_submit,
    dsr_request_withdraw_by_person,
    dsr_status_link_send,
)
from omni_privacy.portal.forms import LookupForm, RightsRequestForm, VerificationForm

PURPOSE = "rights-request"
VERIFY_PURPOSE = "rights-verification"
LOOKUP_PURPOSE = "rights-lookup"
WITHDRAW_PURPOSE = "rights-withdrawal"
SESSION_KEY = "dsr_request"
PER_ADDRESS = Limit("rights-request-address", attempts=3, window=dt.timedelta(hours=1))
PER_IP = Limit("rights-request-ip", attempts=10, window=dt.timedelta(hours=1))
CODE_PER_ADDRESS = Limit("rights-code-address", attempts=10, window=dt.timedelta(hours=1))
CODE_PER_IP = Limit("rights-code-ip", attempts=30, window=dt.timedelta(hours=1))
# Five wrong codes are free; then a wait that doubles with each wrong one, per request and per
# address (issue 15 §7): a few dozen guesses a day at most instead of about 200.
CODE_LOCKOUT = Lockout("rights-code")
LOOKUP_PER_ADDRESS = Limit("rights-lookup-address", attempts=5, window=dt.timedelta(hours=1))
LOOKUP_PER_IP = Limit("rights-lookup-ip", attempts=10, window=dt.timedelta(hours=1))
# "Elsewhere" is handled under Quebec's rules: Omni's home law, and the strictest clock.
JURISDICTIONS = {"elsewhere": "quebec"}

URL_NAMES = {
    "form": {"fr": "portal:rights_fr", "en": "portal:rights_en"},
    "verify": {"fr": "portal:rights_verify_fr", "en": "portal:rights_verify_en"},
    "status": {"fr": "portal:rights_status_fr", "en": "portal:rights_status_en"},
    "download": {"fr": "portal:dsr_download_fr", "en": "portal:dsr_download_en"},
    "lookup": {"fr": "portal:rights_lookup_fr", "en": "portal:rights_lookup_en"},
    "withdraw": {"fr": "portal:rights_withdraw_fr", "en": "portal:rights_withdraw_en"},
}
STATE_LABELS = {
    "received": _("Received"),
    "awaiting_verification": _("Awaiting verification of your identity"),
    "verified": _("Identity verified; waiting to be handled"),
    "in_progress": _("Being handled"),
    "fulfilled": _("Answered"),
    "partially_fulfilled": _("Answered in part"),
    "denied": _("Refused"),
    "withdrawn": _("Withdrawn"),
    "expired": _("Expired (identity never verified)"),
}
CODE_MESSAGES = {
    CodeCheck.WRONG: _("This code is not the right one."),
    CodeCheck.EXPIRED: _("This code has expired. Ask for a new one below."),
    CodeCheck.EXHAUSTED: _("Too many wrong codes. Ask for a new one below."),
    CodeCheck.USED: _("This code can no longer be used. Ask for a new one below."),
}


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _render(
    request: HttpRequest,
    page: str,
    language: str,
    context: dict,
    status: int = 200,
    *,
    other_url: str = "",
) -> HttpResponse:
    other = "en" if language == "fr" else "fr"
    context |= {
        "language": language,
        "other_language": other,
        "other_url": other_url or reverse(URL_NAMES[page][other]),
        "urls": {
            name: reverse(names[language])
            for name, names in URL_NAMES.items()
            if name != "download"
        },
    }
    return render(request, f"portal/rights_{page}.html", context, status=status)


def _verify_page(
    request: HttpRequest, language: str, ticket: str, *, status: int = 200, **extra: object
) -> HttpResponse:
    """The verification page of the request the ticket names; its address carries the ticket,
    so that a reload, the language switch and the mail's link all come back to it."""
    other = "en" if language == "fr" else "fr"
    rights = ticket_request(ticket) if ticket else None
    return _render(
        request,
        "verify",
        language,
        {
            "form": extra.pop("form", VerificationForm()),
            "ticket": ticket,
            "action": verify_path(language, ticket),
            "form_token": form_token(VERIFY_PURPOSE),
            "max_tries": MAX_TRIES,
            "unverified_days": int(settings.OMNI_DSR_UNVERIFIED_DAYS),
            "link_expired": not ticket_valid(ticket),
            "already_verified": rights is not None and rights.state != State.AWAITING_VERIFICATION,
            **extra,
        },
        status=status,
        other_url=verify_path(other, ticket),
    )


@csrf_exempt  # the signed token and the Origin check replace the CSRF cookie (no cookie here)
@never_cache
@require_http_methods(["GET", "POST"])
def rights_request(request: HttpRequest, language: str) -> HttpResponse:
    with translation.override(language):

        def page(form: RightsRequestForm, status: int = 200, **extra: object) -> HttpResponse:
            return _render(
                request,
                "form",
                language,
                {"form": form, "form_token": form_token(PURPOSE), **extra},
                status,
            )

        if request.method == "GET":
            return page(RightsRequestForm())
        form = RightsRequestForm(request.POST)
        if not (
            form_token_valid(request.POST.get("form_token", ""), PURPOSE) and same_origin(request)
        ):
            return page(form, 403, expired=True)
        if not form.is_valid():
            return page(form, 400)
        data = form.cleaned_data
        if data["website"]:
            # A bot: the same page as anyone gets, with a ticket that leads nowhere.
            return redirect(verify_path(language, decoy_ticket()))
        if not allow([(PER_ADDRESS, data["email"]), (PER_IP, _client_ip(request))]):
            return page(form, 429, throttled=True)
        try:
            created = dsr_request_submit(
                kind=data["kind"],
                email=data["email"],
                language=language,
                jurisdiction=JURISDICTIONS.get(data["jurisdiction"], data["jurisdiction"]),
                details=data["details"],
                direct_marketing=data["direct_marketing"],
                now=clock.now(),
                received_on=clock.today(),
            )
        except InvalidInputError as refused:
            for problem in refused.errors:
                if problem.field == "email":
                    form.add_error("email", _("Enter a valid email address."))
                else:
                    form.add_error(None, _("Your request could not be recorded."))
            return page(form, 400)
        # Post/redirect/get: a reload shows the page again instead of sending the form twice.
        return redirect(verify_path(language, ticket_for(created)))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def rights_verify(request: HttpRequest, language: str) -> HttpResponse:
    with translation.override(language):
        if request.method == "GET":
            return _verify_page(request, language, request.GET.get("t", ""))
        ticket = request.POST.get("ticket", "") or request.GET.get("t", "")
        if not (
            form_token_valid(request.POST.get("form_token", ""), VERIFY_PURPOSE)
            and same_origin(request)
        ):
            return _verify_page(request, language, ticket, status=403, expired=True)
        rights = ticket_request(ticket)
        subject = rights.email_digest if rights is not None else ticket
        if not allow([(CODE_PER_ADDRESS, subject), (CODE_PER_IP, _client_ip(request))]):
            return _verify_page(request, language, ticket, status=429, throttled=True)
        subjects = [str(rights.public_id), rights.email_digest] if rights is not None else []
        wait = lockout_wait(CODE_LOCKOUT, subjects)
        if wait and not request.POST.get("resend"):
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            return _verify_page(request, language, ticket, status=429, locked_minutes=minutes)
        if request.POST.get("resend"):
            if rights is not None:
                dsr_code_resend(request=rights, now=clock.now())
            return _verify_page(request, language, ticket, resent=True)
        form = VerificationForm(request.POST)
        if not form.is_valid():
            return _verify_page(request, language, ticket, status=400, form=form)
        if rights is None:
            result = CodeCheck.WRONG
        else:
            result = dsr_code_check(request=rights, code=form.cleaned_data["code"], now=clock.now())
        if result is CodeCheck.WRONG and subjects:
            lockout_fail(CODE_LOCKOUT, subjects)
        if result is not CodeCheck.OK or rights is None:
            form.add_error("code", CODE_MESSAGES[result])
            return _verify_page(request, language, ticket, status=400, form=form)
        lockout_clear(CODE_LOCKOUT, subjects)
        # The first cookie of the portal: the session, holding the verified request's id.
        request.session.cycle_key()
        request.session[SESSION_KEY] = str(rights.public_id)
        return redirect(URL_NAMES["status"][language])


@never_cache
@require_safe
def rights_status(request: HttpRequest, language: str) -> HttpResponse:
    """The verified request of this browser's session: its state, due day and downloads."""
    with translation.override(language):
        rights = (
            request_by_id(request.session.get(SESSION_KEY, ""))
            if SESSION_KEY in request.session
            else None
        )
        if rights is None:
            return _render(request, "status", language, {"rights": None})
        now = clock.now()
        exports = rights.exports.filter(purged_at__isnull=True, expires_at__gt=now).order_by("kind")
        downloads = [
            {
                "kind": export.kind,
                "url": reverse(URL_NAMES["download"][language], args=[export_token(export)]),
            }
            for export in exports
        ]
        return _render(
            request,
            "status",
            language,
            {
                "rights": rights,
                "state_label": STATE_LABELS[rights.state],
                "downloads": downloads,
                "can_withdraw": rights.state in OPEN,
                "withdrawn": request.GET.get("withdrawn") == "1",
            },
        )


def _session_request(request: HttpRequest):  # -> RightsRequest | None
    if SESSION_KEY not in request.session:
        return None
    return request_by_id(request.session.get(SESSION_KEY, ""))


@csrf_exempt  # the signed token and the Origin check replace the CSRF cookie
@never_cache
@require_http_methods(["GET", "POST"])
def rights_lookup(request: HttpRequest, language: str) -> HttpResponse:
    """Follow a request from any browser: its reference and address; a link (or, while it
    awaits verification, a new code) goes to that address. The same answer whatever is typed."""
    with translation.override(language):

        def page(form: LookupForm, status: int = 200, **extra: object) -> HttpResponse:
            return _render(
                request,
                "lookup",
                language,
                {"form": form, "form_token": form_token(LOOKUP_PURPOSE), **extra},
                status,
            )

        if request.method == "GET":
            return page(LookupForm())
        form = LookupForm(request.POST)
        if not (
            form_token_valid(request.POST.get("form_token", ""), LOOKUP_PURPOSE)
            and same_origin(request)
        ):
            return page(form, 403, expired=True)
        if not form.is_valid():
            return page(form, 400)
        data = form.cleaned_data
        if not allow([(LOOKUP_PER_ADDRESS, data["email"]), (LOOKUP_PER_IP, _client_ip(request))]):
            return page(form, 429, throttled=True)
        dsr_status_link_send(
            reference=str(data["reference"]),
            email=data["email"],
            language=language,
            now=clock.now(),
        )
        return page(LookupForm(), sent=True)


@never_cache
@require_safe
def rights_link(request: HttpRequest, language: str, token: str) -> HttpResponse:
    """The mailed status link: it proves the address, so it starts the verified session."""
    with translation.override(language):
        rights = status_request(token)
        if rights is None or rights.verified_at is None:
            return _render(
                request,
                "lookup",
                language,
                {
                    "form": LookupForm(),
                    "form_token": form_token(LOOKUP_PURPOSE),
                    "link_expired": True,
                },
                404,
            )
        request.session.cycle_key()
        request.session[SESSION_KEY] = str(rights.public_id)
        return redirect(URL_NAMES["status"][language])


@csrf_exempt  # the signed token and the Origin check replace the CSRF cookie
@never_cache
@require_http_methods(["GET", "POST"])
def rights_withdraw(request: HttpRequest, language: str) -> HttpResponse:
    """The person withdraws their own verified request, after a page that says what follows."""
    with translation.override(language):
        rights = _session_request(request)
        if rights is None or rights.state not in OPEN:
            return redirect(URL_NAMES["status"][language])
        if request.method == "POST":
            if form_token_valid(
                request.POST.get("form_token", ""), WITHDRAW_PURPOSE
            ) and same_origin(request):
                dsr_request_withdraw_by_person(request=rights, now=clock.now())
                return redirect(reverse(URL_NAMES["status"][language]) + "?withdrawn=1")
            expired = True
        else:
            expired = False
        return _render(
            request,
            "withdraw",
            language,
            {"rights": rights, "form_token": form_token(WITHDRAW_PURPOSE), "expired": expired},
            403 if expired else 200,
        )


FILE_NAMES = {
    "html": "omni-access-report.html",
    "json": "omni-portability.json",
    "csv": "omni-portability.csv",
    "pdf": "omni-access-report.pdf",
}


@never_cache
@require_safe
def rights_download(request: HttpRequest, language: str, token: str) -> HttpResponse:  # noqa: ARG001
    """A report or export, by its signed link (expires after OMNI_DSR_LINK_DAYS)."""
    opened = export_open(token, now=clock.now())
    if opened is None:
        with translation.override(language):
            raise Http404
    export, content = opened
    dsr_export_downloaded(export=export)
    body = base64.b64decode(content) if export.kind in BINARY_KINDS else content.encode("utf-8")
    response = HttpResponse(body, content_type=MEDIA_TYPES[export.kind])
    response["Content-Disposition"] = f'attachment; filename="{FILE_NAMES[export.kind]}"'
    # A report opened in the browser runs nothing and reaches nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
