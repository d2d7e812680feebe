"""Sign-in without a cookie before sign-in (notice §2.3; REQUIREMENTS #3: 0 cookies before
sign-in, exactly 1 after).

Django's CSRF protection would store a token in the session, and so set the session cookie on
the sign-in page itself. Instead the form carries a signed, time-limited token, and a POST is
accepted only with a valid token and, when the browser sends one, a same-origin Origin header
(which is what stops a cross-site "login CSRF"). Once signed in, the session cookie and the
normal CSRF protection (token kept in the session) take over.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import LoginView
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

SALT = "omni_privacy.console.login"
TOKEN_MAX_AGE = 3600


def login_token() -> str:
    return signing.dumps("sign-in", salt=SALT)


def login_token_valid(token: str) -> bool:
    try:
        return signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE) == "sign-in"
    except signing.BadSignature:
        return False


def same_origin(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin in {f"http://{request.get_host()}", f"https://{request.get_host()}"}


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
        if not (login_token_valid(request.POST.get("login_token", "")) and same_origin(request)):
            return HttpResponseForbidden(
                _("This sign-in form has expired. Reload the page and sign in again.")
            )
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["login_token"] = login_token()
        return context
