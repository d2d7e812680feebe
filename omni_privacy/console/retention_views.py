"""The retention page and the legal hold forms (notice §4-§5: what is due, what was done; legal
holds: QC private sector act s.28 and GDPR art. 17(3), keeping data for a legal claim; the
anonymisation register of the Quebec anonymisation regulation).

Privacy officers only: anyone else gets 404, as for a person page they may not see. Writes go
through ``retention/holds.py`` (one transaction with its audit event each); after a write the
browser is redirected with a fixed ``?done=`` code, so no personal data is ever echoed back.
"""

from __future__ import annotations

import uuid
from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from omni_privacy.accounts.models import User
from omni_privacy.accounts.permissions import all_sources
from omni_privacy.console.forms import LegalHoldForm, OrganizationHoldForm
from omni_privacy.console.retention_display import due_chart, register_view, run_view
from omni_privacy.console.views import dashboard, done_notice, person_page, require_officer
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import Organization, Person
from omni_privacy.retention.due import due_by_clause
from omni_privacy.retention.holds import legal_hold_place, legal_hold_release, legal_holds
from omni_privacy.retention.models import LegalHold
from omni_privacy.retention.register import anonymisation_register
from omni_privacy.retention.runs import retention_runs

RUNS_SHOWN = 20
REGISTER_ENTRIES_SHOWN = 50

# The service names the field it refuses (in English, for logs and the CLI); the console says
# it in the reader's language, next to that field.
SERVICE_ERRORS = {
    "reason": ("reason", _("Give the reason for the hold.")),
    "until": ("until", _("The last day held cannot be in the past.")),
    "target": (None, _("Hold exactly one person or one organisation.")),
    "placed_by": (None, _("Only a privacy officer may place a legal hold.")),
}


def _add_service_errors(form: LegalHoldForm, error: InvalidInputError) -> None:
    for problem in error.errors:
        field, message = SERVICE_ERRORS.get(problem.field, (None, problem.message))
        form.add_error(field if field in form.fields else None, str(message))


def _with_done(target: str, code: str) -> str:
    return f"{target}{'&' if '?' in target else '?'}done={code}"


@require_safe
@login_required
def retention(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    return retention_page(request, org_form=OrganizationHoldForm())


def retention_page(
    request: HttpRequest, *, org_form: OrganizationHoldForm, status: int = 200
) -> HttpResponse:
    """A fixed number of queries, whatever the number of holdings, holds and runs."""
    as_of = clock.today()
    policy = active_policy()
    holds = legal_holds(as_of=as_of)
    return render(
        request,
        "console/retention.html",
        {
            "as_of": as_of,
            **dashboard(request, as_of=as_of, sources=all_sources()),
            "due": due_chart(due_by_clause(as_of=as_of, sources=all_sources()), policy),
            "active_holds": [hold for hold in holds if hold.active],
            "past_holds": [hold for hold in holds if not hold.active],
            "runs": [run_view(run) for run in retention_runs(limit=RUNS_SHOWN)],
            "register": [
                register_view(entry, policy)
                for entry in anonymisation_register(limit=REGISTER_ENTRIES_SHOWN)
            ],
            "org_form": org_form,
            "notice": done_notice(request),
        },
        status=status,
    )


@login_required
@require_POST
def hold_organization(request: HttpRequest) -> HttpResponse:
    """Place a legal hold on every holding of one organisation, chosen by its code."""
    require_officer(request)
    form = OrganizationHoldForm(request.POST)
    if form.is_valid():
        organization = Organization.objects.filter(code=form.cleaned_data["organization"]).first()
        if organization is None:
            form.add_error("organization", _("No organisation has this code."))
        else:
            try:
                legal_hold_place(
                    user=cast(User, request.user),
                    reason=form.cleaned_data["reason"],
                    organization=organization,
                    until=form.cleaned_data["until"],
                    today=clock.today(),
                )
            except InvalidInputError as error:
                _add_service_errors(form, error)
            else:
                return redirect(_with_done(reverse("console:retention"), "hold_placed"))
    return retention_page(request, org_form=form)


@login_required
@require_POST
def hold_person(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Place a legal hold on one person (all their holdings, every source)."""
    require_officer(request)
    person = get_object_or_404(Person, public_id=public_id)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        try:
            legal_hold_place(
                user=cast(User, request.user),
                reason=form.cleaned_data["reason"],
                person=person,
                until=form.cleaned_data["until"],
                today=clock.today(),
            )
        except InvalidInputError as error:
            _add_service_errors(form, error)
        else:
            target = reverse("console:person", args=[public_id])
            return redirect(_with_done(target, "hold_placed"))
    return person_page(request, public_id, hold_form=form)


@login_required
@require_POST
def hold_release(request: HttpRequest, hold_id: uuid.UUID) -> HttpResponse:
    """Release a hold now; the next run acts on what it covered and is due. Back to ``next``
    (the page the form was on) when it is a page of this site."""
    require_officer(request)
    hold = get_object_or_404(LegalHold, public_id=hold_id)
    try:
        legal_hold_release(user=cast(User, request.user), hold=hold)
        done = "hold_released"
    except InvalidInputError:
        done = "hold_already_released"
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("console:retention")
    return redirect(_with_done(target, done))
