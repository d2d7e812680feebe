"""Staff console pages: the registry with the retention dashboard on top, and one person's
holdings (notice §2.1, §4; REQUIREMENTS #15: a team sees only its own source, privacy officers
see all). The retention page and the legal hold forms are in retention_views.py.

Thin: reads through registry and retention selectors, filtered by
`accounts.permissions.visible_sources`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from omni_privacy.accounts.models import User
from omni_privacy.accounts.permissions import StaffLike, is_privacy_officer, visible_sources
from omni_privacy.audit.services import person_read_record, person_reads_record
from omni_privacy.console.alarms import officer_alarms
from omni_privacy.console.forms import LegalHoldForm, RegistrySearchForm
from omni_privacy.console.labels import holding_view, registry_rows
from omni_privacy.console.middleware import LANGUAGE_CODES, SESSION_KEY
from omni_privacy.console.reads import read_lines
from omni_privacy.console.retention_display import run_view
from omni_privacy.core import clock
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import Holding, HoldingState
from omni_privacy.registry.selectors import live_holdings, registry_page
from omni_privacy.retention.due import retention_overview
from omni_privacy.retention.holds import legal_holds

PAGE_SIZE = 50
ENDED_STATES = (HoldingState.DELETED, HoldingState.ANONYMIZED)


def _sources(request: HttpRequest) -> frozenset[str]:
    # Views are login_required: request.user is a User, not the AnonymousUser the stubs allow.
    return visible_sources(cast(StaffLike, request.user))


def officer(request: HttpRequest) -> bool:
    return is_privacy_officer(cast(StaffLike, request.user))


def require_officer(request: HttpRequest) -> None:
    """Privacy officers' pages answer a translated 403 page with a way back to anyone else
    (console/403.html, rendered by the console middleware)."""
    if not officer(request):
        raise PermissionDenied


# Outcomes a page may announce after a redirect (?done=...): fixed sentences, never data.
DONE_NOTICES = {
    "hold_placed": ("ok", _("The legal hold is placed.")),
    "contact_recorded": ("ok", _("The contact is recorded.")),
    "instance_added": ("ok", _("The instance is registered.")),
    "sync_done": ("ok", _("The snapshot was applied.")),
    "sync_refused": (
        "warn",
        _("The snapshot was refused; nothing was applied. See the runs below."),
    ),
    "hold_released": ("ok", _("The legal hold is released.")),
    "hold_already_released": ("warn", _("This legal hold was already released.")),
    "notice_imported": ("ok", _("The version is recorded as a draft.")),
    "notice_published": ("ok", _("The version is published.")),
    "delegation_recorded": ("ok", _("The delegation is recorded.")),
    "delegation_revoked": ("ok", _("The delegation is revoked from today.")),
    "delegation_already_revoked": ("warn", _("This delegation was already revoked.")),
}


def dashboard(request: HttpRequest, *, as_of: dt.date, sources: Iterable[str]) -> dict[str, Any]:
    """The retention figures on top of the registry and the retention page (notice §4-§5:
    overdue is an alarm). A privacy officer's alarms are those of `retention check`,
    `dsr check` and `sync check` on the same data, from the very selectors those commands call
    (issue 14 point 7; tests/console/test_dashboard_truth.py), and undelivered mail (point 8);
    kept for a few seconds until anything is recorded (console/alarms.py)."""
    is_officer = officer(request)
    overview = retention_overview(as_of=as_of, sources=None if is_officer else sources, cached=True)
    context: dict[str, Any] = {
        "overview": overview,
        "last_run": run_view(overview.last_run) if overview.last_run else None,
        "is_officer": is_officer,
        "syncs": None,
        "rights": None,
        "stores_health": None,
        "mail": None,
        "transfers": None,
        "incidents": None,
        "conformance_alarm": None,
    }
    if not is_officer:
        return context
    context.update(officer_alarms(as_of=as_of))
    return context


def done_notice(request: HttpRequest) -> tuple[str, str] | None:
    notice = DONE_NOTICES.get(request.GET.get("done", ""))
    return None if notice is None else (notice[0], str(notice[1]))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def registry(request: HttpRequest) -> HttpResponse:
    """A search (by name, email or organisation) is posted, never put in the query string
    (browser history, proxy logs); its pages are posted too. Plain browsing pages by GET."""
    searched = request.method == "POST"
    data = request.POST if searched else None
    form = RegistrySearchForm(data)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    cursor = data or request.GET
    page = registry_page(
        sources=_sources(request),
        query=query,
        after=_uuid(cursor.get("after")),
        before=_uuid(cursor.get("before")),
        number=_number(cursor.get("page")),
        size=PAGE_SIZE,
    )
    if query:
        # A search's result rows are reads of those people's data (who looked, Quebec s.27):
        # one event per person shown, in one insert.
        person_reads_record(
            user=request.user,
            person_public_ids=[row.person.public_id for row in page.rows if row.person],
            via="search",
        )
    policy = active_policy()
    as_of = clock.today()
    return render(
        request,
        "console/registry.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "pages": max(1, -(-page.count // PAGE_SIZE)),
            "rows": registry_rows(
                page.rows, policy, as_of=as_of, person_url=url_pattern("console:person")
            ),
            "as_of": as_of,
            # Across all sources for privacy officers, the team's own sources for others.
            **dashboard(request, as_of=as_of, sources=_sources(request)),
        },
    )


_NO_ONE = uuid.UUID(int=0)


def url_pattern(viewname: str) -> str:
    """The address of ``viewname`` (a page of one public id) with ``{}`` for the id: one
    reverse() a page for a table's links, not one a row."""
    return reverse(viewname, args=[_NO_ONE]).replace(str(_NO_ONE), "{}")


def _uuid(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(text) if text else None
    except ValueError:
        return None


def _number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and 0 < int(text) < 10**9 else 1


@require_safe
@login_required
def person(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return person_page(request, public_id)


def person_page(
    request: HttpRequest,
    public_id: uuid.UUID,
    *,
    hold_form: LegalHoldForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """One person's holdings under the sources the user may see. 404 when none is visible, so
    that a team cannot learn that another team holds data about someone. Privacy officers also
    see the person's legal holds and the form to place one."""
    sources = _sources(request)
    live = list(
        live_holdings()
        .filter(person__public_id=public_id, source__in=sources)
        .select_related("organization")
        .order_by("source", "organization__name", "id")
    )
    if not live:
        raise Http404
    # Ended holdings hold no values any more; they are listed as a trace of what was done.
    ended = list(
        Holding.objects.filter(
            person__public_id=public_id, source__in=sources, state__in=ENDED_STATES
        )
        .select_related("organization")
        .order_by("-ended_at", "id")
    )
    policy = active_policy()
    as_of = clock.today()
    views = [holding_view(holding, policy, as_of=as_of) for holding in live]
    names = [h.full_name for h in live if h.full_name]
    context: dict[str, Any] = {
        "name": names[0] if names else "",
        "public_id": public_id,
        "holdings": views,
        "ended": [holding_view(holding, policy, as_of=as_of) for holding in ended],
        "as_of": as_of,
        "notice": done_notice(request),
    }
    # Every read of a person's data by staff is recorded (who, which person, when, where), so
    # that an officer, and the person, can learn who looked (Quebec s.27).
    person_read_record(user=request.user, person_public_id=public_id, via="person_page")
    if officer(request):
        context["holds"] = legal_holds(as_of=as_of, person=public_id)
        context["hold_form"] = hold_form or LegalHoldForm()
        context["reads"] = read_lines(public_id)
    return render(request, "console/person.html", context, status=status)


@login_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Save the signed-in user's language on their account (no language cookie, notice §2.3)."""
    chosen = request.POST.get("language", "")
    if chosen in LANGUAGE_CODES:
        User.objects.filter(public_id=cast(User, request.user).public_id).update(
            preferred_language=chosen
        )
        request.session[SESSION_KEY] = chosen
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("console:registry")
    return redirect(target)
