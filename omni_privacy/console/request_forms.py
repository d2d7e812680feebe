"""Forms of the rights-request pages (privacy officers)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from omni_privacy.accounts.models import User
from omni_privacy.accounts.permissions import request_officers
from omni_privacy.core import clock

DENIAL_REASONS = [
    ("suspected_fraud", _("Suspected fraud")),
    ("insuf_verification", _("Identity could not be verified")),
    ("no_match", _("No information matches the request")),
    ("claim_not_covered", _("Not a right the applicable law provides")),
    ("outside_jurisdiction", _("Outside any law that applies to Omni")),
    ("too_many_requests", _("Repeated identical requests")),
    ("other", _("Other (explain)")),
]


class AssignForm(forms.Form):
    """The officers holding a written delegation today (notice §12; accounts.permissions)."""

    assignee = forms.ModelChoiceField(label=_("Privacy officer"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officers = request_officers(at=clock.today())
        field = cast("forms.ModelChoiceField[User]", self.fields["assignee"])
        field.queryset = User.objects.filter(pk__in=[u.pk for u in officers]).order_by("username")


class DenyForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DENIAL_REASONS)
    text = forms.CharField(
        label=_("Explanation to the person"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RectifyForm(forms.Form):
    full_name = forms.CharField(label=_("Corrected full name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Corrected telephone number"), max_length=32, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Corrected preferred language"),
        required=False,
        choices=[("", "—"), ("fr", "Français"), ("en", "English")],
    )
