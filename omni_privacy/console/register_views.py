"""Privacy officers' pages for the regulator's registers (issue 16): disclosures (§7),
confidentiality incidents (§8) with the CAI declaration, the records of processing, and the
conformance report. Documents: PDF through core/pdf.py from the page's own template."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from omni_privacy.accounts.models import User
from omni_privacy.accounts.selectors import privacy_officers
from omni_privacy.conformance.report import FAIL, PASS, WARN, check_words, conformance_report
from omni_privacy.conformance.runs import audit_head
from omni_privacy.console.register_forms import (
    AssessmentForm,
    DisclosureForm,
    IncidentForm,
    IncidentUpdateForm,
)
from omni_privacy.console.views import require_officer
from omni_privacy.core import clock
from omni_privacy.core.errors import AppError, InvalidInputError
from omni_privacy.core.pdf import render_pdf
from omni_privacy.dsr.disclosures import disclosure_package, disclosure_package_open
from omni_privacy.policy.loader import active_policy
from omni_privacy.registers import services
from omni_privacy.registers.domain.incidents import RiskFacts
from omni_privacy.registers.models import Disclosure, Incident
from omni_privacy.registers.ropa import activities, activities_csv
from omni_privacy.registers.selectors import all_disclosures, incident_views

DONE = {
    "disclosure": _("The disclosure is recorded."),
    "incident": _("The incident is recorded: its clocks run from the moment Omni learned of it."),
    "assessed": _("The assessment is recorded."),
    "updated": _("The incident is updated."),
    "notified": _("The notices to the persons are queued in the outbox."),
}


def _staff(request: HttpRequest) -> User:
    return cast(User, request.user)


def _language() -> str:
    return "en" if (translation.get_language() or "fr").startswith("en") else "fr"


def _done(request: HttpRequest) -> tuple[str, str] | None:
    key = request.GET.get("done", "")
    return ("ok", str(DONE[key])) if key in DONE else None


def _form_errors(form: Any, refused: InvalidInputError) -> None:
    for problem in refused.errors:
        name = getattr(problem, "field", "")
        form.add_error(name if name in form.fields else None, str(problem.message))


def _pdf(name: str, template: str, context: dict[str, Any], *, language: str) -> HttpResponse:
    response = HttpResponse(
        render_pdf(template, context | {"document": True}, language=language),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def disclosures(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    policy = active_policy()
    language = _language()
    choices = [(field_id, item.label.get(language)) for field_id, item in policy.fields.items()]
    officers = privacy_officers(at=clock.today())
    form = DisclosureForm(
        request.POST if request.method == "POST" else None,
        fields=choices,
        officers=officers,
        initial={"disclosed_on": clock.today()},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                disclosure = services.disclosure_record(
                    actor=_staff(request),
                    data=services.DisclosureInput(
                        requester_kind=data["requester_kind"],
                        requester=data["requester"],
                        ground=data["ground"],
                        authority=data["authority"],
                        categories=tuple(data["categories"]),
                        disclosed_on=data["disclosed_on"],
                        notice=data["notice"],
                        notice_reason=data["notice_reason"],
                        deferred_until=data["deferred_until"],
                    ),
                    persons=data["persons"],
                    approver=data["approver"],
                    at=clock.now(),
                )
            except InvalidInputError as refused:
                _form_errors(form, refused)
            else:
                disclosure_package(disclosure=disclosure, actor=_staff(request))
                return redirect(f"{reverse('console:disclosures')}?done=disclosure")
    labels = dict(choices)
    rows = [(item, [labels.get(c, c) for c in item.categories]) for item in all_disclosures()]
    return render(
        request,
        "registers/disclosures.html",
        {"here": "disclosures", "form": form, "rows": rows, "notice": _done(request)},
        status=status,
    )


@require_safe
@login_required
def disclosure_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The package of a disclosure, exactly as released (the read is audited)."""
    require_officer(request)
    item = get_object_or_404(Disclosure, public_id=public_id)
    html = disclosure_package_open(disclosure=item, actor=_staff(request))
    if html is None:
        raise Http404
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="disclosure-{item.public_id}.html"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def incidents(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    form = IncidentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            persons = data.pop("persons") or []
            try:
                incident = services.incident_record(
                    actor=_staff(request),
                    data=services.IncidentInput(**data),
                    persons=persons,
                    at=clock.now(),
                )
            except InvalidInputError as refused:
                _form_errors(form, refused)
            else:
                return redirect(
                    f"{reverse('console:incident', args=[incident.public_id])}?done=incident"
                )
    return render(
        request,
        "registers/incidents.html",
        {
            "here": "incidents",
            "form": form,
            "views": incident_views(now=clock.now()),
            "notice": _done(request),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def incident(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    require_officer(request)
    item = get_object_or_404(Incident, public_id=public_id)
    officers = privacy_officers(at=clock.today())
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if posted else ""
    assess = AssessmentForm(posted if action == "assess" else None, officers=officers)
    update = IncidentUpdateForm(posted if action == "update" else None)
    error = ""
    if posted is not None:
        try:
            done = _incident_action(request, item, action, assess, update)
        except AppError as refused:
            error = "; ".join(refused.said())
        else:
            if done:
                return redirect(f"{reverse('console:incident', args=[item.public_id])}?done={done}")
    view = next(v for v in incident_views(now=clock.now()) if v.incident.pk == item.pk)
    return render(
        request,
        "registers/incident.html",
        {
            "here": "incidents",
            "view": view,
            "item": item,
            "assess": assess,
            "update": update,
            "error": error,
            "notices": item.notices.count(),
            "notice": _done(request),
        },
        status=400 if posted is not None else 200,
    )


def _incident_action(
    request: HttpRequest,
    item: Incident,
    action: str,
    assess: AssessmentForm,
    update: IncidentUpdateForm,
) -> str:
    actor, now = _staff(request), clock.now()
    if action == "assess" and assess.is_valid():
        data = assess.cleaned_data
        services.incident_assess(
            actor=actor,
            incident=item,
            risk=RiskFacts(
                data["sensitivity"], data["consequences"], data["likelihood"], len(data["officers"])
            ),
            officers=list(data["officers"]),
            serious={"yes": True, "no": False}.get(data["serious"]),
            at=now,
        )
        return "assessed"
    if action == "update" and update.is_valid():
        data = {k: v for k, v in update.cleaned_data.items() if v not in (None, "")}
        closed = bool(data.pop("closed", False))
        services.incident_update(actor=actor, incident=item, at=now, closed=closed, **data)
        return "updated"
    if action == "notify":
        services.incident_persons_notify(actor=actor, incident=item, at=now)
        return "notified"
    return ""


@require_safe
@login_required
def incident_declaration(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The declaration to the CAI, prefilled, in French (the Commission's language)."""
    require_officer(request)
    item = get_object_or_404(Incident, public_id=public_id)
    policy = active_policy()
    context = {
        "item": item,
        "organization": policy.notice.organization,
        "contact": policy.notice.privacy_officer_contact,
        "officers": item.officers_consulted.all(),
        "today": clock.today(),
    }
    with translation.override("fr"):
        if request.GET.get("format") == "pdf":
            return _pdf(
                f"declaration-cai-{item.public_id}.pdf",
                "registers/cai_declaration.html",
                context,
                language="fr",
            )
        return render(request, "registers/cai_declaration.html", context)


@require_safe
@login_required
def records(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    language = _language()
    rows = activities(language=language)
    today = clock.today()
    if request.GET.get("format") == "csv":
        response = HttpResponse(activities_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="records-of-processing-{language}-{today}.csv"'
        )
        return response
    context = {"here": "records", "rows": rows, "today": today, "policy": active_policy().notice}
    if request.GET.get("format") == "pdf":
        return _pdf(
            f"records-of-processing-{language}-{today}.pdf",
            "registers/records.html",
            context,
            language=language,
        )
    return render(request, "registers/records.html", context)


@require_safe
@login_required
def conformance(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    language = _language()
    as_of = clock.today()
    raw = request.GET.get("as_of", "")
    if raw:
        try:
            as_of = dt.date.fromisoformat(raw)
        except ValueError:
            as_of = clock.today()
    report = conformance_report(as_of=as_of)
    sequence, head = audit_head()
    labels = {PASS: "pass", FAIL: "fail", WARN: "warn"}
    rows = [
        (clause, [(c, labels.get(c.outcome, "unchecked"), check_words(c)) for c in checks])
        for clause, checks in report.by_clause().items()
    ]
    context = {
        "here": "conformance",
        "report": report,
        "rows": rows,
        "head_hash": head,
        "head_sequence": sequence,
        "generated": timezone.localtime(clock.now()),
        "counts": {
            o: sum(1 for c in report.checks if c.outcome == o)
            for o in (PASS, FAIL, WARN, "unchecked")
        },
    }
    if request.GET.get("format") == "pdf":
        return _pdf(
            f"conformance-{language}-{as_of}.pdf",
            "conformance/report.html",
            context,
            language=language,
        )
    return render(request, "conformance/report.html", context)
