"""Sign-in without a cookie before sign-in (notice §2.3; REQUIREMENTS #3: 0 cookies before
sign-in, exactly 1 after).

The form carries a signed, time-limited token instead of Django's CSRF cookie
(core/formtoken.py). Once signed in, the session cookie and the normal CSRF protection (token
kept in the session) take over.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

from omni_privacy.core.formtoken import form_token, form_token_valid, same_origin

PURPOSE = "sign-in"


def login_token() -> str:
    return form_token(PURPOSE)


def login_token_valid(token: str) -> bool:
    return form_token_valid(token, PURPOSE)


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
