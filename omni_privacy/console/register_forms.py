"""Console forms for the disclosure and incident registers (notice §7, §8)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from omni_privacy.accounts.models import User
from omni_privacy.registry.models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})
LEVELS = [("low", _("Low")), ("medium", _("Medium")), ("high", _("High"))]


class PersonsField(forms.CharField):
    """People by their public id (one per line), never by name or address."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value: Any) -> list[Person]:
        text = super().clean(value) or ""
        try:
            ids = {uuid.UUID(line.strip()) for line in text.split() if line.strip()}
        except ValueError as bad:
            raise forms.ValidationError(_("One person id per line.")) from bad
        people = list(Person.objects.filter(public_id__in=ids))
        if len(people) != len(ids):
            raise forms.ValidationError(_("A person id is not in the registry."))
        return people


class DisclosureForm(forms.Form):
    requester_kind = forms.ChoiceField(
        label=_("Who asked"),
        choices=[
            ("court", _("A court")),
            ("agency", _("An agency")),
            ("other", _("Another organisation")),
        ],
    )
    requester = forms.CharField(
        label=_("Name of the court, agency or organisation"), max_length=200
    )
    ground = forms.ChoiceField(
        label=_("Ground"),
        choices=[
            ("legal_authority", _("A legal authority (an order, a statute)")),
            ("protect_liability", _("In good faith: to protect Omni against a liability")),
            ("defend_rights", _("In good faith: to defend Omni's rights")),
            ("investigate_wrongdoing", _("In good faith: to investigate a wrongdoing")),
        ],
    )
    authority = forms.CharField(
        label=_("Order, statute or section relied on"), max_length=300, required=False
    )
    persons = PersonsField(label=_("Persons concerned (registry ids, one per line)"))
    categories = forms.MultipleChoiceField(
        label=_("Categories of information disclosed"), widget=forms.CheckboxSelectMultiple
    )
    disclosed_on = forms.DateField(label=_("Day of the disclosure"), widget=DATE)
    approver = forms.ModelChoiceField(label=_("Approved by"), queryset=User.objects.none())
    notice = forms.ChoiceField(
        label=_("Was the person told?"),
        choices=[
            ("told", _("Yes")),
            ("deferred", _("Not yet: telling is deferred")),
            ("withheld", _("No: the law does not allow it")),
        ],
    )
    notice_reason = forms.CharField(label=_("Why not"), max_length=300, required=False)
    deferred_until = forms.DateField(label=_("Deferred until"), required=False, widget=DATE)

    def __init__(
        self, *args: Any, fields: list[tuple[str, str]], officers: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = fields  # type: ignore[attr-defined]
        self.fields["approver"].queryset = User.objects.filter(pk__in=[u.pk for u in officers])  # type: ignore[attr-defined]


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of incident"),
        choices=[
            ("access", _("Access not authorised by law")),
            ("use", _("Use not authorised by law")),
            ("communication", _("Communication not authorised by law")),
            ("loss", _("Loss, or another breach of protection")),
        ],
    )
    description = forms.CharField(
        label=_("Personal information concerned"), widget=TEXT, required=False
    )
    description_unknown_reason = forms.CharField(
        label=_("If not known: why"), widget=TEXT, required=False
    )
    circumstances = forms.CharField(label=_("Circumstances"), widget=TEXT)
    occurred_from = forms.DateField(label=_("Day of the incident (or first day)"), widget=DATE)
    occurred_until = forms.DateField(label=_("Last day, if a period"), widget=DATE, required=False)
    aware_at = forms.DateTimeField(label=_("When Omni learned of it"), widget=MOMENT)
    persons_count = forms.IntegerField(label=_("Number of persons concerned"), min_value=0)
    persons_estimated = forms.BooleanField(label=_("The number is an estimate"), required=False)
    eu_residents = forms.BooleanField(label=_("Residents of the EU are concerned"), required=False)
    persons = PersonsField(
        label=_("Persons concerned (registry ids, one per line)"), required=False
    )


class AssessmentForm(forms.Form):
    sensitivity = forms.ChoiceField(label=_("Sensitivity of the information"), choices=LEVELS)
    consequences = forms.CharField(label=_("Likely consequences of its use"), widget=TEXT)
    likelihood = forms.ChoiceField(label=_("Likelihood of injurious use"), choices=LEVELS)
    serious = forms.ChoiceField(
        label=_("Conclusion"),
        choices=[
            ("", _("As the rule says")),
            ("yes", _("A risk of serious injury")),
            ("no", _("No risk of serious injury")),
        ],
        required=False,
    )
    officers = forms.ModelMultipleChoiceField(
        label=_("Privacy officers consulted"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = User.objects.filter(pk__in=[u.pk for u in officers])  # type: ignore[attr-defined]


class IncidentUpdateForm(forms.Form):
    cai_notified_at = forms.DateTimeField(label=_("CAI notified on"), widget=MOMENT, required=False)
    authority_notified_at = forms.DateTimeField(
        label=_("GDPR authority notified on"), widget=MOMENT, required=False
    )
    no_notice_reason = forms.CharField(label=_("Why no notice"), widget=TEXT, required=False)
    public_notice_at = forms.DateTimeField(
        label=_("Public notice on"), widget=MOMENT, required=False
    )
    public_notice = forms.CharField(label=_("Public notice"), widget=TEXT, required=False)
    measures = forms.CharField(
        label=_("Measures taken to reduce the risk"), widget=TEXT, required=False
    )
    advice = forms.CharField(label=_("What the persons can do"), widget=TEXT, required=False)
    closed = forms.BooleanField(label=_("Close the incident"), required=False)
