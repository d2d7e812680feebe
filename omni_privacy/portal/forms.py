"""Public forms. Only what the notice allows a sales contact to hold is asked (§2.1 ¶4: name,
email, telephone, preferred language); the language is the page's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from omni_privacy.core.validators import no_invisible_character


class InformationRequestForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[no_invisible_character],
    )
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Telephone number"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        required=False,
        help_text=_("Optional, if you would rather we call you."),
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)


class RightsRequestForm(forms.Form):
    """Notice §9.1: the rights a person may exercise. Only the address is asked: the
    identity is verified by a code sent to it, and the rest is found after verification."""

    kind = forms.ChoiceField(
        label=_("What would you like to do?"),
        widget=forms.RadioSelect,
        choices=[
            ("access", _("Know what information you hold about me and get a copy (access)")),
            ("rectification", _("Correct information about me (rectification)")),
            ("objection", _("Object to a use of my information (objection)")),
            ("erasure", _("Delete my information (erasure)")),
            (
                "portability",
                _("Receive the information I provided, in a reusable format (portability)"),
            ),
            ("withdrawal", _("Withdraw my consent")),
        ],
    )
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send a verification code to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    jurisdiction = forms.ChoiceField(
        label=_("Where do you live?"),
        widget=forms.RadioSelect,
        initial="quebec",
        choices=[
            ("quebec", _("Quebec")),
            ("pipeda", _("Elsewhere in Canada")),
            ("gdpr", _("In the European Union or the European Economic Area")),
            # Anywhere else: Quebec's rules apply (Omni's home law, and the strictest clock).
            ("elsewhere", _("Elsewhere")),
        ],
    )
    direct_marketing = forms.BooleanField(
        label=_("My objection is to direct marketing (prospecting)"), required=False
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a correction, say what is wrong and what is right."),
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)


class VerificationForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class LookupForm(forms.Form):
    reference = forms.UUIDField(
        label=_("Reference of the request"),
        help_text=_("It is in the mail we sent you, for example 3f2b8c1e-…"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address you gave with the request: we send the link to it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
