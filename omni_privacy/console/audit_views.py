"""The audit-log page (issue 15 point 3): privacy officers only. Filters by action, actor,
object id and days; newest first, 50 a page, paged by sequence ("older"); the URL carries
codes and ids only, never a value. A button runs the chain verification and says the result.

Events are said in words where console/history.py or console/reads.py has the words; actors
are staff members' names, looked up here at reading time (the log keeps only ids).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from omni_privacy.accounts.models import User
from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.selectors import (
    AuditFilter,
    AuditPage,
    audit_actions,
    audit_page,
    audit_stream,
)
from omni_privacy.audit.services import READ_ACTION, actor_for, audit_export_record, audit_verify
from omni_privacy.console.history import ACTORS, actor_name, sentence
from omni_privacy.console.reads import VIAS
from omni_privacy.console.views import require_officer
from omni_privacy.core import clock

PAGE_SIZE = 50
# An object id is an opaque id or code: letters, digits and a few separators. An address or
# a name cannot be one, so none can reach the query string through this filter.
_OBJECT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def _object_id(value: str) -> None:
    if value and not _OBJECT_ID.fullmatch(value):
        raise forms.ValidationError(
            gettext_lazy("An object id has letters, digits, “-”, “_”, “.” or “:” only.")
        )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Action code"), required=False)
    actor = forms.ChoiceField(label=gettext_lazy("Actor"), required=False)
    object = forms.CharField(
        label=gettext_lazy("Object id"),
        required=False,
        max_length=64,
        strip=True,
        validators=[_object_id],
    )
    since = forms.DateField(
        label=gettext_lazy("First day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=gettext_lazy("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, actors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_action: Any = self.fields["action"]
        field_action.choices = [("", _("Every action")), *((c, c) for c in audit_actions())]
        field_actor: Any = self.fields["actor"]
        field_actor.choices = [("", _("Everyone")), *actors]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The last day comes on or after the first."))
        return data


@dataclass(frozen=True)
class EventLine:
    sequence: int
    occurred_at: dt.datetime
    who: str
    what: str
    action: str
    object_type: str
    object_id: str


def _staff_names() -> dict[str, str]:
    return {
        str(public_id): (f"{first} {last}".strip() or username)
        for public_id, first, last, username in User.objects.order_by(
            "last_name", "first_name", "username"
        ).values_list("public_id", "first_name", "last_name", "username")
    }


def _what(event: AuditEvent, names: dict[str, str]) -> str:
    if event.action == READ_ACTION:
        via = str(event.payload.get("via", ""))
        return str(VIAS.get(via, via))
    return sentence(event.action, event.payload, names)


def _lines(events: list[AuditEvent], names: dict[str, str]) -> list[EventLine]:
    return [
        EventLine(
            sequence=event.sequence,
            occurred_at=event.occurred_at,
            who=actor_name(event.actor, names),
            what=_what(event, names),
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
        )
        for event in events
    ]


def _verification() -> tuple[str, str]:
    checked, broken = audit_verify()
    if broken is None:
        return "ok", _(
            "The chain is intact: all %(count)s events match their hashes and the chain head."
        ) % {"count": checked}
    return "alarm", _(
        "The chain is broken at event #%(sequence)s: the log was changed behind the "
        "database’s back. %(count)s events before it are intact."
    ) % {"sequence": broken.sequence, "count": checked}


def _before(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and 0 < int(text) < 10**18 else None


def _actors() -> tuple[dict[str, str], list[tuple[str, str]]]:
    names = _staff_names()
    actors = [(f"user:{public_id}", name) for public_id, name in names.items()]
    actors += [(code, str(label)) for code, label in ACTORS.items()]
    return names, actors


def _filters(
    request: HttpRequest, actors: list[tuple[str, str]]
) -> tuple[AuditFilterForm, AuditFilter, dict[str, str], bool]:
    """The form, the filters it gives, the filters to keep in links (codes, ids and days
    only) and whether the form refused them."""
    form = AuditFilterForm(request.GET or None, actors=actors)
    if not form.is_bound:
        return form, AuditFilter(), {}, False
    if not form.is_valid():
        return form, AuditFilter(), {}, True
    data = form.cleaned_data
    kept = {
        key: value.isoformat() if isinstance(value, dt.date) else str(value)
        for key, value in data.items()
        if value
    }
    filters = AuditFilter(
        action=data["action"],
        actor=data["actor"],
        object_id=data["object"],
        since=data["since"],
        until=data["until"],
    )
    return form, filters, kept, False


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def audit(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    names, actors = _actors()
    form, filters, kept, refused = _filters(request, actors)
    before = _before(request.GET.get("before"))
    # A filter refused is said on the form; no event is shown rather than all of them.
    page = AuditPage([], None) if refused else audit_page(filters, before=before, size=PAGE_SIZE)
    verified = _verification() if request.method == "POST" else None
    return render(
        request,
        "console/audit.html",
        {
            "form": form,
            "lines": _lines(page.events, names),
            "older": f"?{urlencode(kept | {'before': page.older})}" if page.older else "",
            "newest": f"?{urlencode(kept)}" if kept else "?",
            "export": f"?{urlencode(kept)}" if kept else "",
            "paged": before is not None,
            "filtered": bool(kept),
            "verified": verified,
        },
    )


class _Echo:
    """csv.writer's file: each row written is handed back to the streaming response."""

    def write(self, value: str) -> str:
        return value


# A cell a spreadsheet would read as a formula is given a leading apostrophe (OWASP's advice
# on CSV injection): a staff member's name could start with "=".
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA) else text


def _csv_rows(events: Iterable[AuditEvent], names: dict[str, str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark: spreadsheets then read the French accents right
    yield writer.writerow(
        [
            _("Event"),
            _("When"),
            _("Who"),
            _("What"),
            _("Action code"),
            _("Object type"),
            _("Object id"),
        ]
    )
    for event in events:
        line = _lines([event], names)[0]
        yield writer.writerow(
            [
                line.sequence,
                timezone.localtime(line.occurred_at).isoformat(timespec="seconds"),
                _cell(line.who),
                _cell(line.what),
                line.action,
                line.object_type,
                _cell(line.object_id),
            ]
        )


@require_http_methods(["GET", "HEAD"])
@login_required
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The events the page's filters match, all of them (not one page), as CSV, in the
    reader's language; the export itself is an audit event. Refused filters answer the page
    with their errors, not a file."""
    require_officer(request)
    names, actors = _actors()
    form, filters, kept, refused = _filters(request, actors)
    if refused:
        return render(
            request,
            "console/audit.html",
            {"form": form, "lines": [], "filtered": True, "newest": "?", "export": ""},
            status=400,
        )
    audit_export_record(actor=actor_for(request.user), filters=kept)
    response = StreamingHttpResponse(
        _csv_rows(audit_stream(filters), names), content_type="text/csv; charset=utf-8"
    )
    day = clock.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-log-{day}.csv"'
    response["Cache-Control"] = "no-store"
    return response
