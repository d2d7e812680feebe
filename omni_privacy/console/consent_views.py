"""Consent, suppressions and campaigns, for privacy officers (notice §3, §9.1, §11): one
person's consent ledger and what may be done with their data per purpose; the suppression
list; campaigns with their audience preview (per language, who is left out and why) and
delivery figures from the outbox. Anyone else gets 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from omni_privacy.audit.services import actor_for, person_read_record
from omni_privacy.consent.selectors import consent_history, suppressions, use_decision
from omni_privacy.consent.services import suppression_add
from omni_privacy.console.consent_forms import (
    CampaignForm,
    EmailLookupForm,
    SuppressionForm,
    scope_choices,
)
from omni_privacy.console.views import done_notice, require_officer
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.mailings.labels import KINDS, NO_RECIPIENT, STATES
from omni_privacy.mailings.models import Campaign, CampaignState
from omni_privacy.mailings.selectors import campaign_audience, campaign_delivery, campaigns
from omni_privacy.mailings.services import campaign_create, campaign_send
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import Person
from omni_privacy.registry.selectors import person_by_email

DECISIONS = {
    "allowed": _("May be used"),
    "no_holding": _("Not held for this purpose"),
    "suppressed": _("Suppressed (objection)"),
    "consent_withdrawn": _("Consent withdrawn"),
    "no_consent": _("No consent recorded"),
    "no_address": _("No email address held"),
}
SOURCES = {
    "objection": _("Objection"),
    "gpc": _("Global Privacy Control"),
    "console": _("Console"),
    "dsr": _("Rights request"),
}
CHANNELS = {
    "email": _("Email"),
    "form": _("Form"),
    "phone": _("Telephone"),
    "portal": _("Portal"),
    "console": _("Console"),
}
DONE = {
    "suppression_added": ("ok", _("The suppression is recorded.")),
    "campaign_sent": ("ok", _("The campaign's messages are queued.")),
    "campaign_refused": (
        "warn",
        _("The campaign was refused: it reaches people whose data was not collected for it."),
    ),
}


def _language() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def _purpose_label(purpose: str) -> str:
    policy = active_policy()
    return policy.purposes[purpose].label.get(_language()) if purpose in policy.purposes else ""


def _notice(request: HttpRequest) -> tuple[str, str] | None:
    done = DONE.get(request.GET.get("done", ""))
    return (done[0], str(done[1])) if done else done_notice(request)


def _person_from(request: HttpRequest) -> Person | None:
    try:
        public_id = uuid.UUID(request.GET.get("person", ""))
    except ValueError:
        return None
    return Person.objects.filter(public_id=public_id).first()


def _person_context(person: Person) -> dict[str, Any]:
    now = clock.now()
    return {
        "person": person,
        "events": [
            {
                "view": view,
                "purpose": _purpose_label(view.purpose),
                "channel": CHANNELS.get(view.channel, view.channel),
            }
            for view in consent_history(person=person)
        ],
        "decisions": [
            {
                "purpose": purpose.label.get(_language()),
                "decision": (decision := use_decision(person=person, purpose=key, at=now)),
                "label": DECISIONS[decision.reason],
            }
            for key, purpose in active_policy().purposes.items()
        ],
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def consent_lookup(request: HttpRequest) -> HttpResponse:
    """Search by email (posted, so the address never lands in a URL; looked up by keyed
    digest), or open from a person's page (``?person=<uuid>``): the person's ledger and, per
    purpose of the notice, what `may_use` answers now and why."""
    require_officer(request)
    form = EmailLookupForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "searched": False}
    person = _person_from(request)
    if person is not None:
        context["searched"] = True
        context["suppressions"] = [
            _suppression_row(row) for row in suppressions(digest=person.email_digest)
        ]
        context |= _person_context(person)
        person_read_record(user=request.user, person_public_id=person.public_id,
                           via="consent_lookup")  # fmt: skip
    elif form.is_valid():
        email = form.cleaned_data["email"]
        context["searched"] = True
        context["suppressions"] = [_suppression_row(row) for row in suppressions(email=email)]
        found = person_by_email(email)
        if found is not None:
            context |= _person_context(found)
            person_read_record(user=request.user, person_public_id=found.public_id,
                               via="consent_lookup")  # fmt: skip
    return render(request, "console/consent.html", context)


def _scope_label(scope: str) -> str:
    return dict(scope_choices(_language())).get(scope, scope)


def _suppression_row(view: Any) -> dict[str, Any]:
    return {
        "view": view,
        "scope": _scope_label(view.scope),
        "source": SOURCES.get(view.source, view.source),
    }


def _suppressions_page(
    request: HttpRequest, form: SuppressionForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "console/suppressions.html",
        {
            "form": form,
            "rows": [_suppression_row(row) for row in suppressions()[:200]],
            "notice": _notice(request),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def suppression_list(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    if request.method == "GET":
        return _suppressions_page(request, SuppressionForm(language=_language()))
    form = SuppressionForm(request.POST, language=_language())
    if form.is_valid():
        data = form.cleaned_data
        try:
            suppression_add(
                email=data["email"],
                scope=data["scope"],
                reason=data["reason"],
                source="console",
                at=clock.now(),
                actor=request.user,
            )
        except InvalidInputError as refused:
            for problem in refused.errors:
                form.add_error(
                    problem.field if problem.field in form.fields else None, str(problem)
                )
        else:
            return redirect(f"{reverse('console:suppressions')}?done=suppression_added")
    return _suppressions_page(request, form, status=400)


def _campaign_state(campaign: Campaign, delivery: dict[str, int]) -> str:
    """Issue 14 point 7: a campaign that reached nobody is not "sent"."""
    if campaign.state == "sent" and not any(delivery.values()):
        return str(NO_RECIPIENT)
    return str(STATES[campaign.state])


def _campaign_row(campaign: Campaign) -> dict[str, Any]:
    delivery = campaign_delivery(campaign=campaign)
    return {
        "campaign": campaign,
        "kind": KINDS.get(campaign.kind, campaign.kind),
        "state": _campaign_state(campaign, delivery),
        "delivery": delivery,
        "purpose": _purpose_label(campaign.purpose),
    }


def _campaigns_page(request: HttpRequest, form: CampaignForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "console/campaigns.html",
        {
            "form": form,
            "rows": [_campaign_row(c) for c in campaigns()],
            "notice": _notice(request),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The campaigns and their delivery; creating one makes a draft to preview before sending."""
    require_officer(request)
    if request.method == "GET":
        return _campaigns_page(request, CampaignForm())
    form = CampaignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_create(
                kind=data["kind"],
                actor=request.user,
                subject_fr=data["subject_fr"],
                subject_en=data["subject_en"],
                body_fr=data["body_fr"],
                body_en=data["body_en"],
                organizations=data["organizations"],
            )
        except InvalidInputError as refused:
            for problem in refused.errors:
                form.add_error(
                    problem.field if problem.field in form.fields else None, str(problem)
                )
        else:
            return redirect("console:campaign", public_id=campaign.public_id)
    return _campaigns_page(request, form, status=400)


@require_safe
@login_required
def campaign_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A campaign: its texts, and for a draft the audience it would have now."""
    require_officer(request)
    campaign = get_object_or_404(Campaign, public_id=public_id)
    context: dict[str, Any] = {"row": _campaign_row(campaign), "notice": _notice(request)}
    if campaign.state == CampaignState.DRAFT:
        audience = campaign_audience(campaign=campaign, at=clock.now()).audience
        context["preview"] = {
            "recipients": len(audience.recipients),
            "by_language": audience.by_language,
            "left_out": [(DECISIONS[key], count) for key, count in audience.left_out.items()],
            "without_purpose": len(audience.without_purpose),
        }
    else:
        context["left_out"] = [
            (DECISIONS.get(key, key), count)
            for key, count in campaign.audience.get("left_out", {}).items()
        ]
    return render(request, "console/campaign.html", context)


@require_POST
@login_required
def campaign_send_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    require_officer(request)
    campaign = get_object_or_404(Campaign, public_id=public_id, state=CampaignState.DRAFT)
    campaign = campaign_send(campaign=campaign, actor=actor_for(request.user))
    done = "campaign_refused" if campaign.state == CampaignState.REFUSED else "campaign_sent"
    return redirect(f"{reverse('console:campaign', kwargs={'public_id': public_id})}?done={done}")
