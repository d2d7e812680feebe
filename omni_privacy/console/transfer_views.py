"""Registers → recipients and transfers (notice §6, QC s.17), mergers (notice §7, QC s.18.4).
Privacy officers only. Every write goes through transfers/services.py and transfers/merger.py;
refusals are said in the reader's words (core/errors.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from omni_privacy.audit.services import actor_for
from omni_privacy.console.labels import policy_label
from omni_privacy.console.views import require_officer
from omni_privacy.core import clock
from omni_privacy.core.errors import AppError
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import Organization
from omni_privacy.transfers import merger as mergers
from omni_privacy.transfers.domain.rules import may_transfer
from omni_privacy.transfers.labels import KIND_WORDS
from omni_privacy.transfers.models import Conclusion, Merger, Recipient, RecipientKind
from omni_privacy.transfers.selectors import (
    merger_facts,
    merger_holdings,
    merger_notice_counts,
    recipient_facts,
    recipients,
    transfer_alarms,
)
from omni_privacy.transfers.services import recipient_assess, recipient_register

DONE = {
    "registered": _("The recipient is registered. Record its assessment before any transfer."),
    "assessed": _("The assessment is recorded."),
    "recorded": _("The transaction is recorded. Record the s.18.4 agreement next."),
    "agreed": _("The s.18.4 agreement is recorded."),
    "notified": _("The notices are queued, one per affected person in their language."),
}


class RecipientForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=list(KIND_WORDS.items()))
    key = forms.SlugField(
        label=_("Key"),
        max_length=80,
        help_text=_(
            "A short identifier of letters, digits and hyphens, e.g. mail-relay; for an external"
            " store, the store's name as `omni-privacy stores list` shows it."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    jurisdiction = forms.CharField(label=_("Jurisdiction"), max_length=120)


class AssessmentForm(forms.Form):
    sensitivity = forms.CharField(
        label=_("Sensitivity of the information"), widget=forms.Textarea(attrs={"rows": 3})
    )
    purposes = forms.CharField(label=_("Purposes"), widget=forms.Textarea(attrs={"rows": 3}))
    protection_measures = forms.CharField(
        label=_("Protection measures, contractual ones included"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    legal_framework = forms.CharField(
        label=_("Legal framework of the destination"), widget=forms.Textarea(attrs={"rows": 3})
    )
    conclusion = forms.ChoiceField(
        label=_("Conclusion"),
        choices=[
            (Conclusion.ADEQUATE, _("Adequate protection: the transfer may happen")),
            (Conclusion.INADEQUATE, _("Protection not adequate: transfers refused")),
        ],
    )
    agreement_reference = forms.CharField(label=_("Written agreement: reference"), max_length=120)
    agreement_date = forms.DateField(
        label=_("Written agreement: date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reassess_on = forms.DateField(
        label=_("Re-assess on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class _BuyerChoice(forms.ModelChoiceField):
    """A buyer by its name and jurisdiction, as the recipients page shows it, not by its key."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.jurisdiction})"


class MergerForm(forms.Form):
    reference = forms.SlugField(label=_("Reference"), max_length=63)
    title = forms.CharField(label=_("Transaction"), max_length=200)
    parties = forms.CharField(label=_("Parties"), widget=forms.Textarea(attrs={"rows": 3}))
    buyer = _BuyerChoice(
        label=_("Buyer (a recipient of kind merger buyer)"),
        queryset=Recipient.objects.filter(kind=RecipientKind.BUYER),
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Affected organisations"), queryset=Organization.objects.order_by("name")
    )
    sources = forms.MultipleChoiceField(label=_("Sources"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sources = self.fields["sources"]
        assert isinstance(sources, forms.MultipleChoiceField)  # noqa: S101 (declared above)
        table = active_policy().sources
        sources.choices = [(s, policy_label(table, s)) for s in sorted(table)]


class AgreementForm(forms.Form):
    reference = forms.CharField(label=_("Agreement reference"), max_length=120)
    agreement_date = forms.DateField(
        label=_("Agreement date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    use_only_for_deal = forms.BooleanField(
        label=_("The other party uses the information only to conclude the transaction")
    )
    no_communication = forms.BooleanField(label=_("It communicates none of it to anyone"))
    protection = forms.BooleanField(label=_("It protects it as the law requires"))
    destruction_if_fails = forms.BooleanField(
        label=_("It destroys it if the transaction does not happen")
    )


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("I confirm: this cannot be undone"))


def _facts_view(recipient: Recipient, today: dt.date) -> dict[str, Any]:
    answer = may_transfer(recipient_facts(recipient), today)
    return {
        "recipient": recipient,
        "kind": KIND_WORDS.get(recipient.kind, recipient.kind),  # type: ignore[call-overload]
        "allowed": answer.allowed,
        "code": answer.code,
    }


def _notice(request: HttpRequest) -> tuple[str, str] | None:
    done = DONE.get(request.GET.get("done", ""))
    return ("ok", str(done)) if done else None


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def recipients_page(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    form = RecipientForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            recipient = recipient_register(actor=actor_for(request.user), **form.cleaned_data)
        except AppError as error:
            errors = error.said()
        else:
            url = reverse("console:recipient", args=[recipient.public_id])
            return redirect(f"{url}?done=registered")
    today = clock.today()
    return render(request, "transfers/recipients.html", {
        "rows": [_facts_view(recipient, today) for recipient in recipients()],
        "alarms": transfer_alarms(today=today), "form": form, "errors": errors,
        "notice": _notice(request),
    })  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def recipient_page(request: HttpRequest, public_id: str) -> HttpResponse:
    require_officer(request)
    recipient = get_object_or_404(Recipient, public_id=public_id)
    form = AssessmentForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            recipient_assess(user=request.user, recipient=recipient, **form.cleaned_data)
        except AppError as error:
            errors = error.said()
        else:
            url = reverse("console:recipient", args=[recipient.public_id])
            return redirect(f"{url}?done=assessed")
    return render(request, "transfers/recipient.html", {
        **_facts_view(recipient, clock.today()), "form": form, "errors": errors,
        "notice": _notice(request),
    })  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def mergers_page(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    form = MergerForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            merger = mergers.merger_record(
                user=request.user, reference=data["reference"], title=data["title"],
                parties=data["parties"], buyer=data["buyer"],
                organizations=list(data["organizations"]), sources=data["sources"],
            )  # fmt: skip
        except AppError as error:
            errors = error.said()
        else:
            return redirect(f"{reverse('console:merger', args=[merger.public_id])}?done=recorded")
    return render(request, "transfers/mergers.html", {
        "mergers": list(Merger.objects.select_related("buyer")), "form": form, "errors": errors,
    })  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def merger_page(request: HttpRequest, public_id: str) -> HttpResponse:
    require_officer(request)
    merger = get_object_or_404(Merger.objects.select_related("buyer"), public_id=public_id)
    step = request.POST.get("step", "")
    agreement = AgreementForm(request.POST if step == "agreement" else None)
    confirm = ConfirmForm(request.POST if step in ("notify", "export") else None)
    errors: list[str] = []
    back = reverse("console:merger", args=[merger.public_id])
    try:
        if step == "agreement" and agreement.is_valid():
            mergers.merger_agreement_record(user=request.user, merger=merger,
                                            **agreement.cleaned_data)  # fmt: skip
            return redirect(f"{back}?done=agreed")
        if step == "notify" and confirm.is_valid():
            mergers.merger_notify(user=request.user, merger=merger)
            return redirect(f"{back}?done=notified")
        if step == "export" and confirm.is_valid():
            content = mergers.merger_export(user=request.user, merger=merger)
            response = HttpResponse(content, content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="{merger.reference}.json"'
            return response
    except AppError as error:
        errors = error.said()
    if request.method == "GET":
        mergers.merger_notices_refresh(merger=merger)
    merger.refresh_from_db()
    return render(request, "transfers/merger.html", {
        "merger": merger, "facts": merger_facts(merger), "counts": merger_notice_counts(merger),
        "holdings": merger_holdings(merger).count(), "agreement": agreement, "confirm": confirm,
        "errors": errors, "notice": _notice(request), "step": step,
        "organizations": list(merger.organizations.order_by("name")),
        "sources": [policy_label(active_policy().sources, key) for key in merger.sources],
    })  # fmt: skip
