"""Forms of the consent, suppression and campaign pages (privacy officers)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from omni_privacy.consent.domain.decision import SCOPE_ALL, SCOPE_DIRECT_MARKETING
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import Organization


class EmailLookupForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


def scope_choices(language: str) -> list[tuple[str, str]]:
    purposes = active_policy().purposes
    return [
        (SCOPE_DIRECT_MARKETING, str(_("Direct marketing (absolute objection)"))),
        (SCOPE_ALL, str(_("Every use"))),
        *((key, purpose.label.get(language)) for key, purpose in purposes.items()),
    ]


class SuppressionForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    scope = forms.ChoiceField(label=_("Scope"))
    reason = forms.CharField(
        label=_("Reason (no personal information)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scope"]).choices = scope_choices(language)


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("software_update", _("Software update notice")),
            ("security_incident", _("Security incident alert")),
        ],
    )
    organizations = forms.MultipleChoiceField(
        label=_("Organisations (none: all; required for an incident alert)"), required=False
    )
    subject_fr = forms.CharField(label=_("Subject (French)"), max_length=200)
    body_fr = forms.CharField(label=_("Message (French)"), widget=forms.Textarea)
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=200)
    body_en = forms.CharField(label=_("Message (English)"), widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["organizations"])
        field.choices = list(Organization.objects.order_by("name").values_list("code", "name"))
