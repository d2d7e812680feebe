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

    assignee = forms.ModelChoiceField(
        label=_("Privacy officer"),
        queryset=User.objects.none(),
        empty_label=_("Choose the privacy officer…"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officers = request_officers(at=clock.today())
        field = cast("forms.ModelChoiceField[User]", self.fields["assignee"])
        field.queryset = User.objects.filter(pk__in=[u.pk for u in officers]).order_by("username")


class DenyForm(forms.Form):
    """No reason is preset (a refusal is a decision the officer makes), and the letter always
    explains it in the officer's own words."""

    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("Choose the reason…")), *DENIAL_REASONS]
    )
    text = forms.CharField(
        label=_("Explanation to the person"),
        required=True,
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


class QueueForm(forms.Form):
    """Search, filters and sorting of the queue (issue 14 point 6). Sent by POST, so that a
    searched address never lands in a query string, browser history or proxy log; the
    filters alone (no personal data) may also come by GET, for links."""

    q = forms.CharField(
        label=_("Email address or reference"),
        required=False,
        max_length=254,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    kind = forms.ChoiceField(label=_("Right"), required=False)
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), required=False)
    due_within = forms.IntegerField(
        label=_("Due within (days)"), required=False, min_value=0, max_value=366
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("due", _("Due date, soonest first")),
            ("-due", _("Due date, latest first")),
            ("received", _("Received, oldest first")),
            ("-received", _("Received, newest first")),
            ("kind", _("Right")),
            ("state", _("State")),
        ],
    )
    closed = forms.BooleanField(label=_("Closed requests"), required=False)

    def __init__(
        self,
        *args: Any,
        states: dict[str, Any],
        kinds: dict[str, Any],
        jurisdictions: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        cast(forms.ChoiceField, self.fields["state"]).choices = every + list(states.items())
        cast(forms.ChoiceField, self.fields["kind"]).choices = every + list(kinds.items())
        cast(forms.ChoiceField, self.fields["jurisdiction"]).choices = every + list(
            jurisdictions.items()
        )
        officers = [
            (str(user.public_id), user.get_full_name() or user.get_username())
            for user in request_officers(at=clock.today())
        ]
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            *every,
            ("none", _("Nobody yet")),
            *officers,
        ]


class ExtendForm(forms.Form):
    """An extension needs its reason, which goes into the person's notice (issue 14 point 4)."""

    reason = forms.CharField(
        label=_("Why more time is needed (goes into the person's notice)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
