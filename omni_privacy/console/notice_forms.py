"""Console forms for notice versions and privacy-officer delegations (notice §11, §12)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from omni_privacy.accounts.models import User
from omni_privacy.accounts.permissions import delegation_candidates

MAX_TEXT_BYTES = 1_000_000
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoticeImportForm(forms.Form):
    identifier = forms.CharField(label=_("Notice identifier"), max_length=64, initial="QAC-REC-004")
    version = forms.IntegerField(label=_("Version number"), min_value=1)
    effective_on = forms.DateField(label=_("Effective date"), widget=DATE)
    classification = forms.ChoiceField(
        label=_("Classification"),
        choices=[
            ("public", pgettext_lazy("notice classification", "Public")),
            ("internal", pgettext_lazy("notice classification", "Internal")),
            ("confidential", pgettext_lazy("notice classification", "Confidential")),
        ],
        initial="public",
    )
    file_fr = forms.FileField(label=_("French text"), help_text=_("A UTF-8 text or Markdown file."))
    file_en = forms.FileField(
        label=_("English text"), help_text=_("A UTF-8 text or Markdown file.")
    )
    summary_fr = forms.CharField(
        label=_("What changed, in French"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    summary_en = forms.CharField(
        label=_("What changed, in English"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def _clean_file(self, name: str) -> bytes:
        upload = self.cleaned_data[name]
        if upload.size > MAX_TEXT_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return bytes(upload.read())

    def clean_file_fr(self) -> bytes:
        return self._clean_file("file_fr")

    def clean_file_en(self) -> bytes:
        return self._clean_file("file_en")


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I confirm: once published, this version can no longer be changed, and it is shown "
            "to the public from its effective date."
        ),
    )


class DelegationForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Staff account"),
        queryset=User.objects.none(),
        to_field_name="username",
        empty_label=_("Choose the account…"),
        help_text=_("An account of the privacy office team."),
    )
    valid_from = forms.DateField(label=_("First day"), widget=DATE)
    valid_until = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty when the delegation has no end."),
    )
    document = forms.CharField(
        label=_("Delegation document"),
        max_length=200,
        help_text=_("The reference of the signed written delegation."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = delegation_candidates()
