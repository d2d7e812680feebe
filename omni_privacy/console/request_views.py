"""The rights-request queue and case pages (notice §9; privacy officers only, 404 for anyone
else). The queue counts down the days left before each due day (red once overdue); a case
page shows the request, its history from the audit log, notes, and the forms of the
workflow. Writes go through dsr services and redirect with a fixed ``?done=`` code."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from email_validator import EmailNotValidError

from omni_privacy.accounts.models import User
from omni_privacy.audit.services import actor_for, person_read_record
from omni_privacy.console.history import history_lines
from omni_privacy.console.labels import policy_label
from omni_privacy.console.request_forms import (
    DENIAL_REASONS,
    AssignForm,
    DenyForm,
    ExtendForm,
    NoteForm,
    QueueForm,
    RectifyForm,
)
from omni_privacy.console.store_views import request_store_results
from omni_privacy.console.views import require_officer, url_pattern
from omni_privacy.core import clock
from omni_privacy.core.crypto import unseal
from omni_privacy.core.digest import email_digest
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.dsr.domain.deadlines import ExtensionRefusedError, deadline
from omni_privacy.dsr.domain.states import State, allowed_targets, is_closed
from omni_privacy.dsr.exports import link_lifetime
from omni_privacy.dsr.fulfilment import dsr_request_fulfil, erasure_preview
from omni_privacy.dsr.labels import JURISDICTION_LABELS, KIND_LABELS, STATE_LABELS
from omni_privacy.dsr.letters import render_letter
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.dsr.selectors import (
    QueueFilter,
    QueueRow,
    queue_row,
    request_by_id,
    request_history,
    request_queue_filtered,
)
from omni_privacy.dsr.services import (
    DENIAL_TEXTS,
    dsr_note_add,
    dsr_request_assign,
    dsr_request_deny,
    dsr_request_extend,
    dsr_request_transition,
    dsr_request_verify_by_phone,
)
from omni_privacy.dsr.stores_bridge import StorePreview, erasure_preview_in_stores, reason_of
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.domain.gate import normalize_email
from omni_privacy.registry.selectors import live_holdings

DONE = {
    "assigned": ("ok", _("The request is assigned.")),
    "verified": ("ok", _("The identity is recorded as verified by telephone.")),
    "started": ("ok", _("The request is in progress.")),
    "extended": ("ok", _("The time to answer is extended and the notice sent.")),
    "extension_refused": ("warn", _("The law does not allow an extension of this request now.")),
    "denied": ("ok", _("The request is denied and the letter sent.")),
    "fulfilled": ("ok", _("The request is answered and the letter sent.")),
    "withdrawn": ("ok", _("The request is withdrawn.")),
    "noted": ("ok", _("The note is added.")),
    "refused": ("warn", _("That step is not possible in the request's current state.")),
    "invalid": ("warn", _("The form was not valid; nothing was changed.")),
    "reason_needed": ("warn", _("An extension needs its reason; nothing was changed.")),
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _queue_filter(form: QueueForm, *, searched: bool) -> QueueFilter:
    if not form.is_valid():
        return QueueFilter()
    data = form.cleaned_data
    query = data["q"] if searched else ""
    digest = reference = ""
    if "@" in query:
        try:
            digest = email_digest(normalize_email(query))
        except EmailNotValidError:
            digest = "-"  # matches nothing
    elif query:
        reference = query
    assignee = data["assignee"]
    return QueueFilter(
        closed=bool(data["closed"]),
        state=data["state"],
        kind=data["kind"],
        jurisdiction=data["jurisdiction"],
        due_within=data["due_within"],
        assignee=uuid.UUID(assignee) if assignee not in ("", "none") else None,
        unassigned=assignee == "none",
        reference=reference,
        email_digest=digest,
        order=data["order"],
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def requests_queue(request: HttpRequest) -> HttpResponse:
    """GET takes the filters only (links, no personal data); the search box posts, so that an
    address never appears in a URL."""
    require_officer(request)
    searched = request.method == "POST"
    data: QueryDict = (request.POST if searched else request.GET).copy()
    if not searched and data.get("closed") == "1":
        data["closed"] = "on"
    form = QueueForm(
        data or None,
        states={key: str(value) for key, value in STATE_LABELS.items()},
        kinds={key: str(value) for key, value in KIND_LABELS.items()},
        jurisdictions={key: str(value) for key, value in JURISDICTION_LABELS.items()},
    )
    where = _queue_filter(form, searched=searched) if data else QueueFilter()
    today = clock.today()
    rows = request_queue_filtered(today=today, where=where)
    return render(
        request,
        "console/requests.html",
        {
            "rows": _queue_lines(rows, closed=where.closed),
            "form": form,
            "filtered": where != QueueFilter(closed=where.closed),
            "closed": where.closed,
            "today": today,
        },
    )


def _queue_lines(rows: list[QueueRow], *, closed: bool) -> list[dict[str, Any]]:
    """The queue's table lines as text, built here: the queue shows up to 200 requests, and
    a template lookup, filter, ``{% url %}`` and plural block per cell cost more than this
    (docs/benchmarks.md). Each label is looked up once per code, the address pattern once."""
    url = url_pattern("console:request")
    kinds = {code: str(label) for code, label in KIND_LABELS.items()}
    states = {code: str(label) for code, label in STATE_LABELS.items()}
    deemed = str(_("deemed refused (Quebec)"))
    unverified_late = str(_("due day passed, identity not yet verified"))
    lines = []
    for row in rows:
        rights = row.request
        if closed:
            days = ""
        elif row.overdue:
            count = row.days_overdue
            days = ngettext("%(days)s day overdue", "%(days)s days overdue", count) % {
                "days": count
            }
            if row.deemed_refused:
                days = f"{days} · {deemed}"
        elif row.days_left < 0:
            # Past its due day but not late: the identity is not verified yet (an unverified
            # request expires rather than goes overdue). "-5 days" said neither.
            days = unverified_late
        else:
            days = ngettext("%(days)s day", "%(days)s days", row.days_left) % {
                "days": row.days_left
            }
        assignee = rights.assigned_to
        lines.append(
            {
                "row": row,
                "url": url.format(rights.public_id),
                "reference": str(rights.public_id)[:8],
                "kind_label": kinds.get(rights.kind, rights.kind),
                "state_label": states.get(rights.state, rights.state),
                "received": rights.received_on.isoformat(),
                "due": rights.due_on.isoformat(),
                "days": days,
                "assignee": (assignee.get_full_name() or assignee.username) if assignee else "",
            }
        )
    return lines


def _case(public_id: uuid.UUID) -> RightsRequest:
    rights = request_by_id(public_id)
    if rights is None:
        raise Http404
    return rights


@require_safe
@login_required
def request_case(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    require_officer(request)
    rights = _case(public_id)
    today = clock.today()
    limits = deadline(rights.received_on, rights.jurisdiction)
    done = DONE.get(request.GET.get("done", ""))
    if rights.person_id is not None:
        # The case shows the name the registry holds: a read of the person, for this request.
        person_read_record(
            user=request.user,
            person_public_id=rights.person.public_id,  # type: ignore[union-attr]
            via="rights_request",
            reason=str(rights.public_id),
        )
    return render(
        request,
        "console/request.html",
        {
            "rights": rights,
            "row": queue_row(rights, today=today),
            "kind_label": KIND_LABELS[rights.kind],
            "state_label": STATE_LABELS[rights.state],
            "jurisdiction_label": JURISDICTION_LABELS[rights.jurisdiction],
            "details": unseal(rights.details_sealed) if rights.details_sealed else "",
            "history": history_lines(request_history(rights)),
            "requester": _requester(rights),
            "denial_label": str(dict(DENIAL_REASONS).get(rights.denial_reason, ""))
            if rights.denial_reason
            else "",
            "notes": rights.notes.select_related("author"),
            "targets": {str(target) for target in allowed_targets(rights.state)},
            "closed": is_closed(rights.state),
            "can_extend": limits.extendable
            and rights.extended_on is None
            and today <= limits.due_on
            and not is_closed(rights.state),
            "extended_due_on": limits.extended_due_on,
            "assign_form": AssignForm(initial={"assignee": rights.assigned_to}),
            "deny_form": DenyForm(),
            "extend_form": ExtendForm(),
            "note_form": NoteForm(),
            "rectify_form": RectifyForm() if rights.kind == "rectification" else None,
            "notice": None if done is None else (done[0], str(done[1])),
            "stores": request_store_results(reason_of(rights))
            if rights.kind == "erasure"
            else None,
        },
    )


def _requester(rights: RightsRequest) -> dict[str, str]:
    """What the officer needs to answer: the address the request came from and, once the
    person is found, the name the registry holds (issue 14 point 6)."""
    name: str | None = None
    if rights.person_id is not None:
        name = next(
            (
                holding.full_name
                for holding in live_holdings()
                .filter(person_id=rights.person_id)
                .filter(full_name__gt="")
                .order_by("id")[:1]
            ),
            "",
        )
    email = unseal(rights.email_sealed) if rights.email_sealed else ""
    return {"name": name or "", "email": email}


# Irreversible steps ask for confirmation first, stating their consequence (issue 14 point 4):
# the first POST renders the confirmation page, which posts again with confirmed=yes.
CONSEQUENCES = {
    "verify-phone": _(
        "The identity will be recorded as verified by telephone, under your name. The request "
        "can then be answered. This cannot be undone."
    ),
    "withdraw": _(
        "The request will be closed as withdrawn by the person. It cannot be reopened; a new "
        "request would be needed."
    ),
    "deny": _(
        "The request will be closed as denied and the letter giving the reason will be sent to "
        "the person at once. This cannot be undone."
    ),
    "fulfil": _(
        "The answer letter will be sent to the person at once and the request closed. This "
        "cannot be undone."
    ),
}
ERASE_CONSEQUENCE = _(
    "The holdings listed under “Erased now” will be erased at once (recorded in the erasure "
    "ledger and the audit log); those listed under “Kept, and why” stay, for the reason given. The "
    "letter saying so will be sent at once. This cannot be undone."
)


# The confirmation page is titled by what is about to be done, not by the request's kind.
ACTION_TITLES = {
    "verify-phone": _("Record the identity as verified by telephone"),
    "withdraw": _("Close the request as withdrawn"),
    "deny": _("Deny the request and send the letter"),
    "fulfil": _("Answer and send the letter"),
}
ERASE_TITLE = _("Erase now and send the letter")


LETTER_LANGUAGES = {"fr": _("The letter in French"), "en": _("The letter in English")}


def _letters(rights: RightsRequest, kind: str, context: dict[str, Any]) -> list[dict[str, Any]]:
    """The letter as it will be sent, in the person's language first, then in the other one
    (issue 14 point 6: letters previewed in French and English before they are sent)."""
    order = [rights.language, "en" if rights.language == "fr" else "fr"]
    letters = []
    for language in order:
        subject, body = render_letter(request=rights, kind=kind, language=language, context=context)
        letters.append(
            {
                "language": language,
                "label": str(LETTER_LANGUAGES[language]),
                "sent": language == rights.language,
                "subject": subject,
                "body": body,
            }
        )
    return letters


def _denial_letter(rights: RightsRequest, form: DenyForm) -> dict[str, Any]:
    """The letter the person will receive, as it will be sent (subject and text)."""
    reason = form.cleaned_data["reason"]
    letters = _letters(
        rights,
        "denial",
        {
            "reason_fr": DENIAL_TEXTS["fr"][reason],
            "reason_en": DENIAL_TEXTS["en"][reason],
            "text": form.cleaned_data["text"].strip(),
            "lines_fr": [],
            "lines_en": [],
        },
    )
    return {
        "reason": str(dict(DENIAL_REASONS)[reason]),
        "subject": letters[0]["subject"],
        "body": letters[0]["body"],
        "letters": letters,
    }


def _answer_letters(
    rights: RightsRequest, plan: list[Any] | None, stores: list[StorePreview] | None = None
) -> list[dict[str, Any]]:
    """The answer letter before it is sent: an erasure's lines come from the plan shown above
    it, then one a store (as dsr/fulfilment.py writes them); documents' links are made when
    the answer is confirmed (a placeholder stands in)."""
    links = (
        [str(_("(a personal link, made when you confirm)"))]
        if rights.kind
        in (
            "access",
            "portability",
        )
        else []
    )
    lines = [item.lines for item in plan or []]
    lines += [store.letter for store in stores or [] if store.letter]
    partial = any(not item.erase for item in plan or [])
    return _letters(
        rights,
        "partial" if partial else "fulfilment",
        {
            "links": links,
            "links_expire": (clock.now() + link_lifetime()).date().isoformat() if links else "",
            "lines_fr": [line["fr"] for line in lines],
            "lines_en": [line["en"] for line in lines],
        },
    )


def _confirm(request: HttpRequest, rights: RightsRequest, action: str) -> HttpResponse:
    today = clock.today()
    erasure = action == "fulfil" and rights.kind == "erasure"
    plan = erasure_preview(request=rights, today=today) if erasure else None
    stores = erasure_preview_in_stores(rights, actor=actor_for(request.user)) if erasure else []
    deny = _valid_denial(request, action)
    labels = active_policy().sources
    carried = [
        (key, value)
        for key, values in request.POST.lists()
        if key not in {"csrfmiddlewaretoken", "confirmed"}
        for value in values
    ]
    return render(
        request,
        "console/request_confirm.html",
        {
            "rights": rights,
            "action": action,
            "kind_label": KIND_LABELS[rights.kind],
            "title": str(ERASE_TITLE if erasure else ACTION_TITLES[action]),
            "denial": _denial_letter(rights, deny) if deny is not None else None,
            "answer_letters": _answer_letters(rights, plan, stores) if action == "fulfil" else None,
            "stores": stores,
            "consequence": str(ERASE_CONSEQUENCE if erasure else CONSEQUENCES[action]),
            "carried": carried,
            "erasure": erasure,
            "erased": [
                {"item": item, "source": policy_label(labels, item.holding.source)}
                for item in plan or []
                if item.erase
            ],
            "kept": [
                {
                    "item": item,
                    "source": policy_label(labels, item.holding.source),
                    "clause": item.lines["en" if translation.get_language() == "en" else "fr"],
                }
                for item in plan or []
                if not item.erase
            ],
            "today": today,
        },
    )


def _valid_denial(request: HttpRequest, action: str) -> DenyForm | None:
    if action != "deny":
        return None
    form = DenyForm(request.POST)
    return form if form.is_valid() else None


def _back(public_id: uuid.UUID, done: str) -> HttpResponse:
    return redirect(f"{reverse('console:request', args=[public_id])}?done={done}")


@require_POST
@login_required
def request_action(request: HttpRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    require_officer(request)
    rights = _case(public_id)
    user, now, today = _user(request), clock.now(), clock.today()
    if action in CONSEQUENCES and request.POST.get("confirmed") != "yes":
        if action == "deny" and not DenyForm(request.POST).is_valid():
            return _back(public_id, "invalid")
        return _confirm(request, rights, action)
    try:
        if action == "assign":
            form = AssignForm(request.POST)
            if not form.is_valid():
                return _back(public_id, "invalid")
            dsr_request_assign(request=rights, assignee=form.cleaned_data["assignee"], user=user)
            return _back(public_id, "assigned")
        if action == "verify-phone":
            dsr_request_verify_by_phone(request=rights, user=user, now=now)
            return _back(public_id, "verified")
        if action == "start":
            dsr_request_transition(request=rights, target=State.IN_PROGRESS, user=user, now=now)
            return _back(public_id, "started")
        if action == "withdraw":
            dsr_request_transition(request=rights, target=State.WITHDRAWN, user=user, now=now)
            return _back(public_id, "withdrawn")
        if action == "extend":
            extend = ExtendForm(request.POST)
            if not extend.is_valid():
                return _back(public_id, "reason_needed")
            try:
                dsr_request_extend(
                    request=rights, user=user, today=today, reason=extend.cleaned_data["reason"]
                )
            except ExtensionRefusedError:
                return _back(public_id, "extension_refused")
            return _back(public_id, "extended")
        if action == "deny":
            deny = DenyForm(request.POST)
            if not deny.is_valid():
                return _back(public_id, "invalid")
            dsr_request_deny(
                request=rights,
                user=user,
                reason=deny.cleaned_data["reason"],
                text=deny.cleaned_data["text"],
                now=now,
            )
            return _back(public_id, "denied")
        if action == "note":
            note = NoteForm(request.POST)
            if not note.is_valid():
                return _back(public_id, "invalid")
            dsr_note_add(request=rights, user=user, text=note.cleaned_data["text"], now=now)
            return _back(public_id, "noted")
        if action == "fulfil":
            corrections = None
            if rights.kind == "rectification":
                rectify = RectifyForm(request.POST)
                if not rectify.is_valid():
                    return _back(public_id, "invalid")
                corrections = {k: v for k, v in rectify.cleaned_data.items() if v}
            dsr_request_fulfil(
                request=rights,
                user=user,
                now=now,
                today=today,
                base_url=request.build_absolute_uri("/").rstrip("/"),
                corrections=corrections,
            )
            return _back(public_id, "fulfilled")
    except InvalidInputError:
        return _back(public_id, "invalid")
    except ValueError:  # TransitionRefusedError and "cannot be fulfilled" in this state
        return _back(public_id, "refused")
    raise Http404
