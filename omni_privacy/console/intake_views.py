"""Recording a contact by hand (notice §2.4 scenario 2: "punctual collection by email, form or
phone"): a service call (customer service), a sales contact (sales) or an administrative
contact (administration), each through the collection gate, with its channel and date.

A team records only its own source (accounts/permissions.py); anyone else gets 404. Refusals
are shown next to the field the gate names; nothing is written then. A contact with someone
already held under that source and organisation updates the holding and its last contact,
which restarts the notice §4 ¶3 clock.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from omni_privacy.accounts.permissions import StaffLike, can_record_source
from omni_privacy.audit.services import actor_for
from omni_privacy.console.forms import ContactForm
from omni_privacy.console.labels import policy_label
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.policy.domain.collection import purpose_and_basis, recorded_sources
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.domain.gate import HoldingCandidate, kind_of
from omni_privacy.registry.models import Organization, Person
from omni_privacy.registry.services import holding_record

# The gate's field names, as the form's.
FORM_FIELDS = {
    "person.full_name": "full_name",
    "person.email": "email",
    "person.phone": "phone",
    "person.preferred_language": "preferred_language",
    "collected_at": "contacted_on",
    "last_contact_at": "contacted_on",
    "channel": "channel",
    "organization": "organization",
    "contacted_us": "purchasing_group",
}


# The gate speaks English to logs and the CLI; the console says it in the reader's language,
# by the form field and the gate's code. Anything else is shown as the gate said it.
MESSAGES = {
    ("email", "required"): _("The email address is required."),
    ("email", "invalid"): _("This is not a valid email address."),
    ("phone", "invalid"): _("This is not a valid telephone number."),
    ("full_name", "invalid"): _("The name is too long."),
    ("full_name", "control"): _("The name contains a control character."),
    ("contacted_on", "invalid"): _("The date of the contact cannot be in the future."),
    ("organization", "condition"): _(
        "The organisation has no subscription on the date of the contact: the notice does not "
        "allow recording this source for it (§2.1)."
    ),
    ("purchasing_group", "condition"): _(
        "Sales data needs the person to have contacted us, or an active purchasing-group "
        "contract for their organisation (notice §2.1 ¶4)."
    ),
}


def _can_record(request: HttpRequest, source: str) -> bool:
    # Views are login_required: request.user is a User, not the AnonymousUser the stubs allow.
    return can_record_source(cast(StaffLike, request.user), source)


def recordable_sources(request: HttpRequest) -> list[str]:
    return [source for source in recorded_sources(active_policy()) if _can_record(request, source)]


@require_safe
@login_required
def record_start(request: HttpRequest) -> HttpResponse:
    """The form of the user's own source (the first, for privacy officers)."""
    sources = recordable_sources(request)
    if not sources:
        raise Http404
    return redirect("console:record", source=sources[0])


@require_http_methods(["GET", "POST"])
@login_required
def record_contact(request: HttpRequest, source: str) -> HttpResponse:
    policy = active_policy()
    if source not in recorded_sources(policy) or not _can_record(request, source):
        raise Http404
    today = clock.today()
    form = ContactForm(request.POST or None, source=source, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        purpose, basis = purpose_and_basis(policy, source)
        try:
            holding = holding_record(
                actor=actor_for(request.user),
                organization=Organization.objects.get(code=data["organization"]),
                candidate=HoldingCandidate(
                    source=source,
                    purpose=purpose,
                    legal_basis=basis,
                    channel=data["channel"],
                    collected_at=data["contacted_on"],
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"] or None,
                    preferred_language=data["preferred_language"] or None,
                    last_contact_at=data["contacted_on"],
                    contacted_us=not data.get("purchasing_group", False),
                ),
                today=today,
            )
        except InvalidInputError as refused:
            shown: set[tuple[str | None, str]] = set()
            for problem in refused.errors:
                name = FORM_FIELDS.get(problem.field)
                where = name if name in form.fields else None
                message = str(MESSAGES.get((str(where), kind_of(problem.code)), problem.message))
                if (where, message) not in shown:  # one date field, two gate fields
                    shown.add((where, message))
                    form.add_error(where, message)
        else:
            person = cast(Person, holding.person)  # holding_record always links a person
            target = reverse("console:person", args=[person.public_id])
            return redirect(f"{target}?done=contact_recorded")
    label = policy_label(active_policy().sources, source)  # the reader's language, not Text(...)
    return render(
        request,
        "console/record.html",
        {
            "form": form,
            "source": source,
            "source_label": label,
            "recordable": recordable_sources(request),
        },
        status=400 if request.method == "POST" else 200,
    )
