"""Customer instances and their monthly sync (notice §2.4 scenario 1), for privacy officers:
each instance's last success, refused attempts and their first problem, the latest sync runs,
registration of a new instance, and a sync started by hand. Anyone else gets 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from omni_privacy.audit.services import actor_for
from omni_privacy.console.forms import InstanceForm
from omni_privacy.console.views import done_notice, require_officer
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.intake.domain.snapshot import SnapshotError, detect_format
from omni_privacy.intake.models import SyncRun
from omni_privacy.intake.selectors import instance_syncs
from omni_privacy.intake.services import SyncRefusedError, sync_import, sync_pull
from omni_privacy.registry.models import Instance, Organization
from omni_privacy.registry.services import instance_create

RUNS_SHOWN = 30
FIELDS = {"name": "name", "url": "export_url", "token": "token"}


def _page(request: HttpRequest, form: InstanceForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "console/instances.html",
        {
            "syncs": instance_syncs(now=clock.now()),
            "runs": SyncRun.objects.select_related("instance")[:RUNS_SHOWN],
            "form": form,
            "notice": done_notice(request),
        },
        status=status,
    )


@require_safe
@login_required
def instances(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    return _page(request, InstanceForm())


@require_POST
@login_required
def instance_add(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    form = InstanceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            instance_create(
                actor=actor_for(request.user),
                organization=Organization.objects.get(code=data["organization"]),
                code=data["name"],
                export_url=data["export_url"],
                token=data["token"] or None,
            )
        except InvalidInputError as refused:
            for problem in refused.errors:
                form.add_error(FIELDS.get(problem.field), problem.message)
        else:
            return redirect(f"{reverse('console:instances')}?done=instance_added")
    return _page(request, form, status=400)


@require_POST
@login_required
def instance_sync(request: HttpRequest, name: str) -> HttpResponse:
    """Pull the instance's snapshot now (the same service as the hourly job)."""
    require_officer(request)
    instance = get_object_or_404(Instance.objects.select_related("organization"), code=name)
    if not instance.export_url:
        raise Http404
    try:
        sync_pull(actor=actor_for(request.user), instance=instance, as_of=clock.today())
    except SyncRefusedError:
        done = "sync_refused"
    else:
        done = "sync_done"
    return redirect(f"{reverse('console:instances')}?done={done}")


MAX_UPLOAD = 64 * 1024 * 1024  # a month's snapshot of one instance fits well within this


@require_POST
@login_required
def instance_upload(request: HttpRequest, name: str) -> HttpResponse:
    """Apply an uploaded snapshot (JSON lines or CSV), the same service as ``sync import``
    (issue 14 point 7: the console offers the upload rather than a command to run)."""
    require_officer(request)
    instance = get_object_or_404(Instance.objects.select_related("organization"), code=name)
    upload = request.FILES.get("snapshot")
    if upload is None or upload.file is None or upload.size is None or upload.size > MAX_UPLOAD:
        return redirect(f"{reverse('console:instances')}?done=sync_refused")
    try:
        fmt = detect_format(upload.name or "")
        sync_import(
            actor=actor_for(request.user),
            instance=instance,
            stream=upload.file,
            fmt=fmt,
            as_of=clock.today(),
        )
    except (SyncRefusedError, SnapshotError):
        done = "sync_refused"
    else:
        done = "sync_done"
    return redirect(f"{reverse('console:instances')}?done={done}")
