"""Forms that work without a cookie (notice §2.3; REQUIREMENTS #3: no cookie before sign-in).

Django's CSRF protection keeps its token in a cookie or the session, and so would set a cookie
on the page itself. A public or sign-in form instead carries a signed, time-limited token for
its purpose, and a POST is accepted only with a valid token and, when the browser sends one, a
same-origin Origin header (which is what stops a cross-site forged submission).
"""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest

TOKEN_MAX_AGE = 3600


def form_token(purpose: str) -> str:
    return signing.dumps(purpose, salt=f"omni_privacy.form.{purpose}")


def form_token_valid(token: str, purpose: str) -> bool:
    try:
        value = signing.loads(token, salt=f"omni_privacy.form.{purpose}", max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return bool(value == purpose)


def same_origin(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin in {f"http://{request.get_host()}", f"https://{request.get_host()}"}
