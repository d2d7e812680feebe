"""Request and response hardening that no library here does (issue 15 §4, §7, §8).

- ``TrustedProxyMiddleware`` (first in MIDDLEWARE): the visitor's address, from
  ``X-Forwarded-For`` only when the connection comes from OMNI_TRUSTED_PROXIES, written back to
  ``REMOTE_ADDR`` so that rate limits (core/throttle.py), logs and every later middleware see
  the visitor, not the proxy. From anyone else the forwarded headers are dropped, so that
  ``SECURE_PROXY_SSL_HEADER`` can only be set by a trusted proxy.
- ``PermissionsPolicyMiddleware``: no page needs a camera, a microphone, a location or a
  payment; the browser is told so.
- ``Utf8OnlyMiddleware``: the portal and console accept UTF-8 alone. Django would decode other
  bytes to U+FFFD and store that; a query string or form with bytes that are not UTF-8 is
  refused with the translated 400 page (``NotUtf8``).

The Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

from omni_privacy.core.clientip import client_address, is_trusted, networks

Handler = Callable[[HttpRequest], HttpResponse]

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


class TrustedProxyMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.trusted = networks(settings.OMNI_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        remote = str(meta.get("REMOTE_ADDR", ""))
        if is_trusted(remote, self.trusted):
            forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", ""))
            meta["REMOTE_ADDR"] = client_address(remote, forwarded, self.trusted)
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NotUtf8(BadRequest):
    """The request carries bytes that are not UTF-8 text (portal/home_views says so)."""


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _form_utf8(encoded: bytes | str) -> bool:
    data = encoded.encode("latin-1") if isinstance(encoded, str) else encoded
    return all(_utf8(unquote_to_bytes(part.replace(b"+", b" "))) for part in data.split(b"&"))


class Utf8OnlyMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if query and not _form_utf8(query):
            raise NotUtf8
        if request.method == "POST" and not request.path.startswith("/api/"):
            content_type = request.content_type or ""
            if content_type == "application/x-www-form-urlencoded":
                if not _form_utf8(request.body):
                    raise NotUtf8
            elif content_type == "multipart/form-data" and any(
                "\ufffd" in value for value in request.POST.values()
            ):
                # Django has already replaced the bad bytes of a multipart field with U+FFFD;
                # a person does not type U+FFFD, so its presence says the bytes were not UTF-8.
                raise NotUtf8
        return self.get_response(request)
