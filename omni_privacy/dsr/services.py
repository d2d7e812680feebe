"""Writes on rights requests (notice §9.1-§9.2): submission, verification, the workflow.

Each service is one transaction with its audit event(s); letters leave after commit
(dsr/letters.py). Audit payloads carry the request's public id, its kind, states and dates,
never the address or the free text.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.db import transaction
from email_validator import EmailNotValidError

from omni_privacy.accounts.models import User
from omni_privacy.accounts.permissions import require_privacy_officer
from omni_privacy.audit.services import actor_for, audit_record
from omni_privacy.core.crypto import seal, unseal
from omni_privacy.core.digest import email_digest
from omni_privacy.core.errors import InvalidInputError, Problem, define, gettext_noop
from omni_privacy.dsr.codes import code_hash, code_issue
from omni_privacy.dsr.domain import deadlines
from omni_privacy.dsr.domain.states import DenialReason, Kind, State, check_transition, is_closed
from omni_privacy.dsr.domain.verification import CodeCheck, CodeState, judge, well_formed
from omni_privacy.dsr.letters import letter_send
from omni_privacy.dsr.links import status_link, verify_link
from omni_privacy.dsr.models import ExportFile, RequestNote, RightsRequest, VerificationCode
from omni_privacy.registry.domain.gate import (
    EMAIL_INVALID,
    LANGUAGE_INVALID,
    TOO_LONG,
    normalize_email,
)
from omni_privacy.registry.selectors import person_by_email

MAX_DETAILS = 4000

DENIAL_TEXTS = {
    "fr": {
        "suspected_fraud": "la demande semble frauduleuse",
        "insuf_verification": "votre identité n’a pas pu être vérifiée",
        "no_match": "nous ne détenons aucun renseignement correspondant à la demande",
        "claim_not_covered": "la demande ne porte pas sur un droit prévu par la loi applicable",
        "outside_jurisdiction": "la demande ne relève d’aucune loi qui s’applique à nous",
        "too_many_requests": "des demandes identiques répétées",
        "other": "voir l’explication ci-dessous",
    },
    "en": {
        "suspected_fraud": "the request appears fraudulent",
        "insuf_verification": "your identity could not be verified",
        "no_match": "we hold no information matching the request",
        "claim_not_covered": "the request is not for a right the applicable law provides",
        "outside_jurisdiction": "the request falls under no law that applies to us",
        "too_many_requests": "repeated identical requests",
        "other": "see the explanation below",
    },
}


def record_event(request: RightsRequest, *, actor: str, action: str, **payload: Any) -> None:
    """One audit event about ``request``; inside the calling service's transaction. The
    payload must hold no personal data (audit_record refuses anything shaped like it)."""
    audit_record(
        actor=actor,
        action=action,
        object_type="rights_request",
        object_id=str(request.public_id),
        payload={"kind": request.kind, **payload},
    )


def move(
    request: RightsRequest, target: State, *, actor: str, now: dt.datetime, **payload: Any
) -> None:
    """Move ``request`` to ``target`` if the state machine allows it (TransitionRefusedError
    otherwise), saving it and auditing the move; inside the calling service's transaction."""
    previous = request.state
    request.state = check_transition(previous, target)
    if is_closed(target):
        request.closed_at = now
    request.save()
    record_event(
        request,
        actor=actor,
        action="rights_request.transitioned",
        **{"from": previous, "to": str(target), **payload},
    )


def locked(request: RightsRequest) -> RightsRequest:
    """The request's row, re-read and locked until the transaction ends."""
    return RightsRequest.objects.select_for_update().get(pk=request.pk)


ONE_OF = define("dsr.one_of", gettext_noop("must be one of %(allowed)s"))
EMPTY = define("dsr.empty", gettext_noop("is empty"))


def dsr_request_submit(
    *,
    kind: str,
    email: str,
    language: str,
    jurisdiction: str,
    details: str = "",
    direct_marketing: bool = False,
    channel: str = "portal",
    actor: str = "portal",
    submitted_by: User | None = None,
    now: dt.datetime,
    received_on: dt.date,
) -> RightsRequest:
    """Record a rights request and send a one-time code to the address given.

    Whether the address is known is not looked at here: the same work is done, the same
    letter sent, for any address (notice §9.2: nothing is revealed before verification).
    """
    errors = []
    if kind not in set(Kind):
        errors.append(Problem(ONE_OF, {"allowed": ", ".join(Kind)}, field="kind"))
    if jurisdiction not in set(deadlines.Jurisdiction):
        errors.append(
            Problem(ONE_OF, {"allowed": ", ".join(deadlines.Jurisdiction)}, field="jurisdiction")
        )
    if language not in ("fr", "en"):
        errors.append(Problem(LANGUAGE_INVALID, field="language"))
    if len(details) > MAX_DETAILS:
        errors.append(Problem(TOO_LONG, {"limit": MAX_DETAILS}, field="details"))
    try:
        normalized = normalize_email(email)
    except EmailNotValidError:
        errors.append(Problem(EMAIL_INVALID, field="email"))
    if errors:
        raise InvalidInputError(errors)
    with transaction.atomic():
        request = RightsRequest.objects.create(
            kind=kind,
            language=language,
            jurisdiction=jurisdiction,
            channel=channel,
            submitted_by=submitted_by,
            email_digest=email_digest(normalized),
            email_sealed=seal(normalized),
            details_sealed=seal(details.strip()) if details.strip() else "",
            direct_marketing=direct_marketing and kind == Kind.OBJECTION,
            received_on=received_on,
            due_on=deadlines.due_date(received_on, jurisdiction),
        )
        record_event(
            request,
            actor=actor,
            action="rights_request.received",
            channel=channel,
            jurisdiction=jurisdiction,
            language=language,
            received_on=received_on.isoformat(),
            due_on=request.due_on.isoformat(),
        )
        code = code_issue(request, now=now)
        move(request, State.AWAITING_VERIFICATION, actor=actor, now=now, code_sent=True)
        letter_send(
            request=request,
            kind="code",
            language=language,
            context={"code": code, "link": verify_link(request)},
        )
    return request


def dsr_code_resend(*, request: RightsRequest, now: dt.datetime) -> None:
    """A new code for a request still awaiting verification (the old one stops working)."""
    with transaction.atomic():
        request = locked(request)
        if request.state != State.AWAITING_VERIFICATION:
            return
        code = code_issue(request, now=now)
        record_event(request, actor="portal", action="rights_request.code_sent")
        letter_send(
            request=request,
            kind="code",
            language=request.language,
            context={"code": code, "link": verify_link(request)},
        )


def dsr_status_link_send(*, reference: str, email: str, language: str, now: dt.datetime) -> None:
    """A status lookup from any browser (issue 14 point 3): if ``reference`` names a request
    made with ``email``, mail its address a way back in: a new code (and the verification
    link) while it awaits verification, otherwise a signed link that opens its status page.
    Nothing is said to the asker either way: the answer page is the same."""
    from omni_privacy.dsr.selectors import request_by_id

    request = request_by_id(reference.strip())
    try:
        digest = email_digest(normalize_email(email))
    except EmailNotValidError:
        return
    if request is None or not hmac.compare_digest(request.email_digest, digest):
        return
    if request.purged_at is not None:
        return
    if request.state == State.AWAITING_VERIFICATION:
        dsr_code_resend(request=request, now=now)
        return
    if request.verified_at is None:
        return
    with transaction.atomic():
        record_event(request, actor="portal", action="rights_request.status_link_sent")
        letter_send(
            request=request,
            kind="status_link",
            language=language,
            context={"link": status_link(request, language)},
        )


def dsr_export_downloaded(*, export: ExportFile) -> None:
    """The person opened a report or export by its link (issue 14 point 5): one audit event on
    the request, naming the kind and the file's id, never its content."""
    with transaction.atomic():
        record_event(
            export.request,
            actor="person",
            action="rights_request.downloaded",
            export=str(export.public_id),
            format=export.kind,
        )


def dsr_request_withdraw_by_person(*, request: RightsRequest, now: dt.datetime) -> RightsRequest:
    """The person withdraws their own request (from their verified session): it is closed,
    nothing more is done for it, and the reason is kept in its outcome."""
    with transaction.atomic():
        request = locked(request)
        request.outcome = {**request.outcome, "closed_because": "withdrawn_by_person"}
        move(request, State.WITHDRAWN, actor="person", now=now, reason="withdrawn_by_person")
    return request


def _verified(
    request: RightsRequest, *, actor: str, method: str, user: User | None, now: dt.datetime
) -> None:
    request.verified_at = now
    request.verified_method = method
    request.verified_by = user
    request.person = person_by_email(unseal(request.email_sealed))
    move(request, State.VERIFIED, actor=actor, now=now, method=method)
    letter_send(
        request=request,
        kind="acknowledgement",
        language=request.language,
        context={"quebec": request.jurisdiction == deadlines.Jurisdiction.QUEBEC},
    )


def dsr_code_check(
    *, request: RightsRequest, code: str, now: dt.datetime, actor: str = "portal"
) -> CodeCheck:
    """One attempt at the code (it counts as a try, right or wrong). On success the request
    is verified and matched to the person holding that address, if any. ``actor``: who
    entered it (the person on the portal, or an officer they read it to on the telephone)."""
    with transaction.atomic():
        request = locked(request)
        if request.state != State.AWAITING_VERIFICATION:
            return CodeCheck.USED
        current = (
            VerificationCode.objects.select_for_update()
            .filter(request=request, used_at__isnull=True)
            .order_by("-issued_at")
            .first()
        )
        if current is None:
            return CodeCheck.USED
        matches = well_formed(code) and hmac.compare_digest(
            current.code_hash, code_hash(request, code)
        )
        result = judge(
            CodeState(current.issued_at, current.tries, used=False), matches=matches, now=now
        )
        if result in (CodeCheck.OK, CodeCheck.WRONG):
            current.tries += 1
        if result is CodeCheck.OK:
            current.used_at = now
        current.save()
        if result is CodeCheck.OK:
            _verified(request, actor=actor, method="email_code", user=None, now=now)
        else:
            record_event(
                request,
                actor=actor,
                action="rights_request.code_refused",
                result=str(result),
                tries=current.tries,
            )
    return result


def dsr_request_verify_by_phone(
    *, request: RightsRequest, user: User, now: dt.datetime
) -> RightsRequest:
    """A privacy officer confirmed the person's identity by telephone (recorded as such)."""
    require_privacy_officer(user)
    with transaction.atomic():
        request = locked(request)
        VerificationCode.objects.filter(request=request, used_at__isnull=True).update(used_at=now)
        _verified(request, actor=actor_for(user), method="phone", user=user, now=now)
    return request


def dsr_request_assign(*, request: RightsRequest, assignee: User, user: User) -> RightsRequest:
    require_privacy_officer(user)
    require_privacy_officer(assignee)
    with transaction.atomic():
        request = locked(request)
        request.assigned_to = assignee
        request.save(update_fields=["assigned_to", "updated_at"])
        record_event(
            request,
            actor=actor_for(user),
            action="rights_request.assigned",
            assignee=f"user:{assignee.public_id}",
        )
    return request


def dsr_request_transition(
    *, request: RightsRequest, target: str, user: User | None, now: dt.datetime, actor: str = ""
) -> RightsRequest:
    """A plain move of the workflow (start work, withdraw, expire). Denial and fulfilment have
    their own services, which send their letters."""
    goal = State(target)
    if goal in (State.DENIED, State.FULFILLED, State.PARTIALLY_FULFILLED, State.VERIFIED):
        raise ValueError(f"use the dedicated service to make a request {goal}")
    if user is not None:
        require_privacy_officer(user)
    with transaction.atomic():
        request = locked(request)
        move(request, goal, actor=actor or actor_for(user), now=now)
    return request


def dsr_request_extend(
    *, request: RightsRequest, user: User, today: dt.date, reason: str = ""
) -> RightsRequest:
    """Extend the time to answer where the law allows it, notice sent now (before the limit):
    PIPEDA +30 days, GDPR +2 months. Raises ExtensionRefusedError otherwise (Quebec: never).
    ``reason`` (the officer's words, required by the console) goes into the person's notice
    only, not into the audit log."""
    require_privacy_officer(user)
    with transaction.atomic():
        request = locked(request)
        if is_closed(request.state):
            raise deadlines.ExtensionRefusedError("the request is closed")
        if request.extended_on is not None:
            raise deadlines.ExtensionRefusedError("the request was already extended")
        previous = request.due_on
        request.due_on = deadlines.extend(
            request.received_on, request.jurisdiction, notice_on=today
        )
        request.extended_on = today
        request.save()
        record_event(
            request,
            actor=actor_for(user),
            action="rights_request.extended",
            previous_due_on=previous.isoformat(),
            due_on=request.due_on.isoformat(),
            notice_on=today.isoformat(),
        )
        letter_send(
            request=request,
            kind="extension",
            language=request.language,
            context={"reason": reason.strip()},
        )
    return request


def dsr_request_deny(
    *,
    request: RightsRequest,
    user: User | None,
    reason: str,
    text: str,
    now: dt.datetime,
    actor: str = "",
    lines: tuple[dict[str, str], ...] = (),
) -> RightsRequest:
    """Refuse the request with a reason code (Data Rights Protocol's list) and an explanation
    to the person; the letter names the authority to contest before."""
    if reason not in set(DenialReason):
        raise InvalidInputError(
            [Problem(ONE_OF, {"allowed": ", ".join(DenialReason)}, field="reason")]
        )
    if user is not None:
        require_privacy_officer(user)
    with transaction.atomic():
        request = locked(request)
        request.denial_reason = reason
        request.denial_text = text.strip()
        move(
            request,
            State.DENIED,
            actor=actor or actor_for(user),
            now=now,
            reason=reason,
            explained=bool(text.strip()),
        )
        letter_send(
            request=request,
            kind="denial",
            language=request.language,
            context={
                "reason_fr": DENIAL_TEXTS["fr"][reason],
                "reason_en": DENIAL_TEXTS["en"][reason],
                "text": request.denial_text,
                "lines_fr": [line["fr"] for line in lines],
                "lines_en": [line["en"] for line in lines],
            },
        )
    return request


def dsr_note_add(*, request: RightsRequest, user: User, text: str, now: dt.datetime) -> RequestNote:
    """An internal note on the case file (never sent; purged with the case file)."""
    require_privacy_officer(user)
    if not text.strip():
        raise InvalidInputError([Problem(EMPTY, field="text")])
    with transaction.atomic():
        note = RequestNote.objects.create(
            request=request, author=user, text=text.strip(), created_at=now
        )
        record_event(request, actor=actor_for(user), action="rights_request.noted", note=note.pk)
    return note
