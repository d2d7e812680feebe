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
