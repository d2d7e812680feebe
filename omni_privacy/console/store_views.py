"""External stores (issue 17), for privacy officers: each store's status, last check, dataset
and scan findings; a check or a scan started by hand; the per-store erasures that wait or are
blocked, with a retry once the store is fixed. Anyone else gets 404, as for instances.

The connection URL is never shown, nor any sampled value: only codes turned into words.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from omni_privacy.audit.services import actor_for
from omni_privacy.console.views import require_officer
from omni_privacy.stores.connect import StoreError
from omni_privacy.stores.domain.problems import Problem
from omni_privacy.stores.domain.results import Failure
from omni_privacy.stores.jobs import store_erasure_retry
from omni_privacy.stores.models import ExternalStore, StoreErasure
from omni_privacy.stores.selectors import store_erasures_of, stores_all
from omni_privacy.stores.services import StoreInputError, store_check, store_scan
from omni_privacy.stores.texts import (
    STATUSES,
    erasure_table_lines,
    failure_text,
    problem_text,
    word,
)

NOTICES = {
    "checked": ("ok", gettext_lazy("The store was checked.")),
    "scanned": ("ok", gettext_lazy("The store was scanned.")),
    "unreachable": ("warn", gettext_lazy("The store could not be reached; nothing changed.")),
    "refused": ("warn", gettext_lazy("The store is not ready: check it first.")),
    "retried": ("ok", gettext_lazy("The erasure is back in the queue; it runs within minutes.")),
}
ERASURES_SHOWN = 50


def _store_view(store: ExternalStore) -> dict[str, Any]:
    problems = [Problem.from_dict(raw) for raw in store.problems or []]
    scan = store.scan or {}
    return {
        "name": store.name,
        "dialect": store.get_dialect_display(),
        "status": store.status,
        "status_words": word(STATUSES, store.status),
        "checked_at": store.checked_at,
        "dataset": store.dataset_path or _("(given at registration)"),
        "dataset_sha": (store.dataset_sha256 or "")[:12],
        "tables": len(store.schema) if store.schema else None,
        "problems": [problem_text(problem) for problem in problems],
        "scanned_at": store.scanned_at,
        "findings": len(scan.get("findings", [])),
        "conformance": [problem_text(Problem.from_dict(raw)) for raw in scan.get("problems", [])],
    }


def _erasure_view(job: StoreErasure) -> dict[str, Any]:
    failure = Failure(job.failure_code, job.failure_params) if job.failure_code else None
    return {
        "id": job.pk,
        "store": job.store.name,
        "reason": job.reason,
        "state": job.state,
        "attempts": job.attempts,
        "next_attempt_at": job.next_attempt_at,
        "failure": failure_text(failure) if failure else "",
    }


def request_store_results(reason: str) -> dict[str, Any]:
    """A rights request's erasure in each store (issue 17 point 4: an honest state per store):
    done with what each table did, waiting for its next attempt, or blocked with the reason;
    and the stores it will reach once answered when it was not asked yet."""
    jobs = store_erasures_of(reason)
    views = []
    for job in jobs:
        view = _erasure_view(job)
        view["finished_at"] = job.finished_at
        view["tables"] = (
            erasure_table_lines(job.result) if job.state == StoreErasure.State.DONE else []
        )
        views.append(view)
    asked = {job.store_id for job in jobs}
    return {
        "erasures": views,
        "not_asked": [store.name for store in stores_all() if store.pk not in asked],
    }


@require_safe
@login_required
def stores(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    notice = NOTICES.get(request.GET.get("done", ""))
    open_jobs = (
        StoreErasure.objects.exclude(state=StoreErasure.State.DONE)
        .select_related("store")
        .order_by("state", "next_attempt_at")[:ERASURES_SHOWN]
    )
    return render(
        request,
        "console/stores.html",
        {
            "stores": [_store_view(store) for store in stores_all()],
            "erasures": [_erasure_view(job) for job in open_jobs],
            "notice": (notice[0], str(notice[1])) if notice else None,
        },
    )


def _back(done: str) -> HttpResponse:
    return redirect(f"{reverse('console:stores')}?done={done}")


@require_POST
@login_required
def store_check_now(request: HttpRequest, name: str) -> HttpResponse:
    require_officer(request)
    store = get_object_or_404(ExternalStore, name=name)
    store_check(actor=actor_for(request.user), store=store)
    store.refresh_from_db()
    return _back("unreachable" if store.status == ExternalStore.Status.UNREACHABLE else "checked")


@require_POST
@login_required
def store_scan_now(request: HttpRequest, name: str) -> HttpResponse:
    require_officer(request)
    store = get_object_or_404(ExternalStore, name=name)
    try:
        store_scan(actor=actor_for(request.user), store=store)
    except StoreError:
        return _back("unreachable")
    except StoreInputError:
        return _back("refused")
    return _back("scanned")


@require_POST
@login_required
def store_erasure_retry_now(request: HttpRequest, erasure: int) -> HttpResponse:
    require_officer(request)
    job = get_object_or_404(StoreErasure, pk=erasure, state=StoreErasure.State.BLOCKED)
    store_erasure_retry(actor=actor_for(request.user), job=job)
    return _back("retried")
