"""My account (Settings → My account, issue 15): change one's own password, enrol or renew a
second factor; and, for privacy officers, reset another staff member's second factor."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from omni_privacy.accounts.models import User
from omni_privacy.accounts.signin import (
    has_second_factor,
    password_change,
    recovery_codes_renew,
    second_factor_required,
    second_factor_reset,
    totp_enrolment_confirm,
    totp_enrolment_start,
)
from omni_privacy.console.totp_display import enrolment_context
from omni_privacy.console.views import require_officer
from omni_privacy.core.errors import InvalidInputError

NOTICES = {
    "password": ("ok", gettext_lazy("Your password is changed.")),
    "reset": ("ok", gettext_lazy("The second factor is removed: they enrol again at sign-in.")),
}
ENROL_DEVICE = "account_enrol_device"


def _me(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required came first
        raise PermissionError("not signed in")
    return user


def _notice(request: HttpRequest) -> tuple[str, str] | None:
    notice = NOTICES.get(request.GET.get("done", ""))
    return (notice[0], str(notice[1])) if notice else None


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        password_change(user=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        return redirect(reverse("console:account") + "?done=password")
    remaining = StaticToken.objects.filter(device__user=user).count()
    return render(
        request,
        "console/account.html",
        {
            "form": form,
            "notice": _notice(request),
            "has_factor": has_second_factor(user),
            "factor_required": second_factor_required(user),
            "recovery_left": remaining,
        },
    )


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@login_required
def account_enrol(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    error = ""
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get(ENROL_DEVICE)
    ).first()
    if request.method == "POST" and device is not None:
        try:
            codes = totp_enrolment_confirm(
                user=user, device=device, code=request.POST.get("code", "")
            )
        except InvalidInputError:
            error = str(
                gettext_lazy(
                    "This code is not the one your app shows. Try again with the next code."
                )
            )
        else:
            request.session.pop(ENROL_DEVICE, None)
            return render(
                request,
                "console/recovery_codes.html",
                {"codes": codes, "continue_url": reverse("console:account")},
            )
    if device is None:
        device = totp_enrolment_start(user=user)
        request.session[ENROL_DEVICE] = device.pk
    context = {"error": error, "action": reverse("console:account_enrol"), "during_signin": False}
    context.update(enrolment_context(device))
    return render(request, "console/totp_enrol.html", context)


@never_cache
@require_POST
@login_required
def account_recovery(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    try:
        codes = recovery_codes_renew(user=user)
    except InvalidInputError:
        return redirect("console:account")
    return render(
        request,
        "console/recovery_codes.html",
        {"codes": codes, "continue_url": reverse("console:account")},
    )


@require_http_methods(["GET", "POST"])
@login_required
def second_factors(request: HttpRequest) -> HttpResponse:
    """Privacy officers: who has a second factor; reset another's (a lost phone)."""
    require_officer(request)
    if request.method == "POST":
        target = get_object_or_404(User, public_id=request.POST.get("user"))
        try:
            second_factor_reset(actor=_me(request), user=target)
        except PermissionError:
            return redirect("console:second_factors")
        return redirect(reverse("console:second_factors") + "?done=reset")
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows = [
        {"user": staff, "enrolled": staff.pk in enrolled, "self": staff == request.user}
        for staff in User.objects.filter(is_active=True).order_by("username")
    ]
    return render(
        request, "console/second_factors.html", {"rows": rows, "notice": _notice(request)}
    )
