"""Public forms. Only what the notice allows a sales contact to hold is asked (§2.1 ¶4: name,
email, telephone, preferred language); the language is the page's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class InformationRequestForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.CharField(label=_("Email address"), max_length=254)
    phone = forms.CharField(
        label=_("Telephone number"),
        max_length=32,
        required=False,
        help_text=_("Optional, if you would rather we call you."),
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
