"""Console forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from omni_privacy.core.validators import no_invisible_character
from omni_privacy.registry.models import Organization


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


class ContactForm(forms.Form):
    """A contact recorded by hand (notice §2.4 scenario 2). The gate checks the rest."""

    organization = forms.SlugField(label=_("Organisation code"), max_length=64)
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, required=False, validators=[no_invisible_character]
    )
    email = forms.CharField(label=_("Email address"), max_length=254)
    phone = forms.CharField(label=_("Telephone number"), max_length=32, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        choices=[
            ("", _("Not known")),
            ("fr", pgettext_lazy("preferred language", "French")),
            ("en", pgettext_lazy("preferred language", "English")),
        ],
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("phone", _("Telephone")), ("email", _("Email")), ("form", _("Form"))],
    )
    contacted_on = forms.DateField(
        label=_("Date of the contact"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, source: str, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].initial = today
        if source == "sales":
            # Notice §2.1 ¶4: sales data only if the person contacted us, or their
            # organisation is in a purchasing group with an active contract.
            self.fields["purchasing_group"] = forms.BooleanField(
                label=_("Through the organisation's purchasing group (they did not contact us)"),
                required=False,
            )

    def clean_organization(self) -> str:
        code = self.cleaned_data["organization"]
        if not Organization.objects.filter(code=code).exists():
            raise forms.ValidationError(_("No organisation has this code."))
        return str(code)


class InstanceForm(forms.Form):
    """Register a customer instance (notice §2.4 scenario 1: the source of the monthly sync)."""

    name = forms.SlugField(label=_("Instance name"), max_length=64, help_text="acme-prod")
    organization = forms.SlugField(label=_("Organisation code"), max_length=64)
    export_url = forms.URLField(
        label=_("Export URL"),
        required=False,
        assume_scheme="https",
        help_text=_("Where the instance publishes its user-profile snapshot."),
    )
    token = forms.CharField(
        label=_("Access token"),
        required=False,
        max_length=4096,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted; never shown again."),
    )

    def clean_organization(self) -> str:
        code = self.cleaned_data["organization"]
        if not Organization.objects.filter(code=code).exists():
            raise forms.ValidationError(_("No organisation has this code."))
        return str(code)
