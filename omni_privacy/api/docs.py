"""Who may read the API's docs and schema (issue 15 §4).

``/api/docs`` (Swagger UI, from django-ninja's own bundled assets: no CDN) opens to signed-in
staff only; ``/api/openapi.json`` to signed-in staff and to callers with a current staff API
token (a schema-driven client needs the schema). Others are sent to sign in (the page) or get
401 (the schema). Swagger UI builds its page with inline styles, so its page alone allows them; it
still runs only this site's scripts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.decorators import csp_update
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from omni_privacy.accounts.tokens import api_token_user
from omni_privacy.core import clock

View = Callable[..., HttpResponseBase]


def _token_user(request: HttpRequest) -> Any:
    header = str(request.headers.get("Authorization", ""))
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    now = clock.now()
    return api_token_user(token.strip(), now=now) or api_token_user(
        token.strip(), now=now, scope="queue"
    )


def staff_docs(view: View) -> View:
    relaxed = csp_update({"style-src": ["'unsafe-inline'"]})(view)

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and request.user.is_active:
            return relaxed(request, *args, **kwargs)
        if request.path.endswith(".json"):
            if _token_user(request) is not None:
                return view(request, *args, **kwargs)
            return JsonResponse({"detail": "Unauthorized"}, status=401)
        return redirect_to_login(request.get_full_path())

    return guarded
