"""Console forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RegistrySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name, email or organisation"),
        required=False,
        max_length=200,
        strip=True,
    )


class LegalHoldForm(forms.Form):
    """A legal hold on the person whose page it is (the target comes from the URL)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The claim, litigation or authority request that requires keeping the data."),
    )
    until = forms.DateField(
        label=_("Last day held"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty to hold until released."),
    )


class OrganizationHoldForm(LegalHoldForm):
    """A legal hold on every holding of one organisation, chosen by its code."""

    organization = forms.SlugField(label=_("Organisation code"), max_length=64)

    field_order = ["organization", "reason", "until"]
