"""The demo customer instance, served by the application itself on loopback (issue 14 point
7): ``GET /demo/instances/<code>/export.jsonl`` with ``Authorization: Bearer <token>``. Only on
a demo run (OMNI_DEMO, set by `make run`), only for an instance whose export URL is this very
address, only with the instance's own token: anything else is 404 or 401."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from omni_privacy.core.crypto import unseal
from omni_privacy.demo.export import demo_export_lines, is_demo_export
from omni_privacy.registry.models import Instance


@never_cache
@require_safe
def demo_instance_export(request: HttpRequest, code: str) -> HttpResponseBase:
    if not settings.OMNI_DEMO:
        raise Http404
    instance = get_object_or_404(Instance, code=code)
    if not is_demo_export(instance) or not instance.token_sealed:
        raise Http404
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(given.encode(), unseal(instance.token_sealed).encode()):
        return HttpResponse(status=401)
    return StreamingHttpResponse(demo_export_lines(instance), content_type="application/x-ndjson")
