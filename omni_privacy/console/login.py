"""Sign-in without a cookie before sign-in (notice §2.3; REQUIREMENTS #3: 0 cookies before
sign-in, exactly 1 after), in one or two steps (issue 15).

1. The password. The form carries a signed, time-limited, single-use token instead of
   Django's CSRF cookie (one token, one attempt: accounts.signin.signin_token_spend). The
   lockout (accounts/lockout.py, django-axes) refuses the attempt before the password is
   checked once an account or an address has failed too often.
2. The second factor, for anyone who enrolled one: a code from the authenticator app or a
   recovery code. A privacy officer without one enrols here before being signed in (outside
   a demo run). Between the two steps the session holds only who passed step 1; the session
   is signed in after step 2, with django-otp's record of the device.
"""

from __future__ import annotations

import secrets
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from omni_privacy.accounts.models import User
from omni_privacy.accounts.signin import (
    has_second_factor,
    second_factor_required,
    signin_succeeded,
    signin_token_spend,
    totp_enrolment_confirm,
    totp_enrolment_start,
)
from omni_privacy.console.totp_display import enrolment_context
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.core.formtoken import same_origin

PURPOSE = "sign-in"
TOKEN_MAX_AGE = 3600
PENDING = "signin_pending"
PENDING_SECONDS = 600


def login_token() -> str:
    return signing.dumps({"p": PURPOSE, "n": secrets.token_hex(16)}, salt="omni_privacy.signin")


def login_token_nonce(token: str) -> str | None:
    """The token's nonce when it is valid and unexpired (not yet whether it was used)."""
    try:
        value = signing.loads(token, salt="omni_privacy.signin", max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("p") != PURPOSE:
        return None
    return str(value.get("n")) or None


def login_token_valid(token: str) -> bool:
    return login_token_nonce(token) is not None


def locked_out(request: HttpRequest, *_args: Any, **_kwargs: Any) -> HttpResponse:
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): the sign-in form with the reason."""
    minutes = settings.OMNI_SIGNIN_LOCKOUT_MINUTES
    message = _(
        "Too many failed sign-ins for this account or from this address: sign-in is refused "
        "for %(minutes)d minutes, even with the right password. Try again later, or ask a "
        "privacy officer."
    ) % {"minutes": minutes}
    return render(
        request,
        "console/login.html",
        {"locked_message": message, "login_token": login_token(), "next": ""},
        status=429,
    )


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or clock.now().timestamp() - data["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data["user"], is_active=True).first()
    return (user, data) if user is not None else None


def _finish(request: HttpRequest, user: User, data: dict[str, Any], device: Any) -> None:
    request.session.pop(PENDING, None)
    auth_login(request, user, backend=data["backend"])
    factor = "none"
    if device is not None:
        otp_login(request, device)
        factor = "recovery" if isinstance(device, StaticDevice) else "totp"
    signin_succeeded(user=user, request=request, factor=factor)


def _next_url(request: HttpRequest, data: dict[str, Any]) -> str:
    target = data.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return str(target)
    return reverse(settings.LOGIN_REDIRECT_URL)


class SignInView(LoginView):
    template_name = "console/login.html"
    redirect_authenticated_user = True

    # LoginView.dispatch is wrapped in csrf_protect; skip it (the token above replaces it) and
    # keep its other guards.
    @method_decorator(sensitive_post_parameters())
    @method_decorator(csrf_exempt)
    @method_decorator(never_cache)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.redirect_authenticated_user and request.user.is_authenticated:
            return HttpResponseRedirect(self.get_success_url())
        return super(LoginView, self).dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        nonce = login_token_nonce(request.POST.get("login_token", ""))
        if nonce is None or not same_origin(request) or not signin_token_spend(nonce):
            return HttpResponseForbidden(
                _("This sign-in form has expired. Reload the page and sign in again.")
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        data = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_redirect_url(),
            "at": clock.now().timestamp(),
        }
        if has_second_factor(user):
            self.request.session[PENDING] = data
            return redirect("console:signin_factor")
        if second_factor_required(user):
            self.request.session[PENDING] = data
            return redirect("console:signin_enrol")
        _finish(self.request, user, data, None)
        return HttpResponseRedirect(_next_url(self.request, data))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["login_token"] = login_token()
        return context


@never_cache
@sensitive_post_parameters()
def signin_factor(request: HttpRequest) -> HttpResponse:
    """Step 2: a code from the authenticator app, or a recovery code. A wrong code counts as a
    failed sign-in for the lockout."""
    pending = _pending(request)
    if pending is None:
        return redirect("console:login")
    user, data = pending
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING, None)
        return locked_out(request)
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip().replace(" ", "")
        device = match_token(user, code) if code else None
        if device is not None:
            _finish(request, user, data, device)
            return HttpResponseRedirect(_next_url(request, data))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING, None)
            return locked_out(request)
        error = _("This code is not right, or it was already used. Try the next code.")
    return render(request, "console/signin_factor.html", {"error": error})


@never_cache
@sensitive_post_parameters()
def signin_enrol(request: HttpRequest) -> HttpResponse:
    """Step 2 for a privacy officer without a second factor: enrol one now."""
    pending = _pending(request)
    if pending is None:
        return redirect("console:login")
    user, data = pending
    error = ""
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get("signin_enrol_device")
    ).first()
    if request.method == "POST" and device is not None:
        try:
            codes = totp_enrolment_confirm(
                user=user, device=device, code=request.POST.get("code", "")
            )
        except InvalidInputError:
            error = _("This code is not the one your app shows. Try again with the next code.")
        else:
            request.session.pop("signin_enrol_device", None)
            _finish(request, user, data, device)
            return render(
                request,
                "console/recovery_codes.html",
                {"codes": codes, "continue_url": _next_url(request, data)},
            )
    if device is None:
        device = totp_enrolment_start(user=user)
        request.session["signin_enrol_device"] = device.pk
    context = {"error": error, "action": reverse("console:signin_enrol"), "during_signin": True}
    context.update(enrolment_context(device))
    return render(request, "console/totp_enrol.html", context)
