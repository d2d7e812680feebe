"""`omni-privacy dsr submit|verify|extend|assign|answer|deny|withdraw`: the rights-request
workflow for operators, through the very services the portal, the console and the API call.

Each sub-command names the privacy officer acting (``--as USERNAME``; the services check the
role) and the day it acts for (``--as-of``: dates recorded are that day, moments the start of
it), so that a year of requests can be replayed and `dsr check --as-of` answers as it would
have. Refusals are said here, in the reader's language, from what the services report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from omni_privacy.accounts.models import User
from omni_privacy.accounts.permissions import require_privacy_officer
from omni_privacy.audit.services import actor_for
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.dsr.domain import deadlines
from omni_privacy.dsr.domain.states import State, TransitionRefusedError, is_closed
from omni_privacy.dsr.domain.verification import CodeCheck
from omni_privacy.dsr.fulfilment import dsr_request_fulfil
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.dsr.selectors import QueueRow, queue_row, request_by_reference
from omni_privacy.dsr.services import (
    MAX_DETAILS,
    dsr_code_check,
    dsr_request_assign,
    dsr_request_deny,
    dsr_request_extend,
    dsr_request_submit,
    dsr_request_transition,
    dsr_request_verify_by_phone,
)
from omni_privacy.ops.options import Moment, staff_account, write_json
from omni_privacy.ops.present import Legacy, moment_text, refusals

CHANNEL = "cli"


def row_as_dict(row: QueueRow) -> dict[str, Any]:
    """A request as scripts read it: reference, right, state, dates, no address, no text."""
    rights = row.request
    return {
        "request_id": str(rights.public_id),
        "kind": rights.kind,
        "state": rights.state,
        "jurisdiction": rights.jurisdiction,
        "channel": rights.channel,
        "received_on": rights.received_on.isoformat(),
        "due_on": rights.due_on.isoformat(),
        "extended_on": rights.extended_on.isoformat() if rights.extended_on else None,
        "days_left": row.days_left,
        "overdue": row.overdue,
        "deemed_refused": row.deemed_refused,
        "verified_method": rights.verified_method or None,
        "assigned_to": rights.assigned_to.username if rights.assigned_to else None,
    }


def result_as_dict(rights: RightsRequest, day: dt.date) -> dict[str, Any]:
    """What a workflow sub-command prints with --json: the request on ``day`` and its end."""
    return {
        "as_of": day.isoformat(),
        **row_as_dict(queue_row(rights, today=day)),
        "verified_at": moment_text(rights.verified_at),
        "closed_at": moment_text(rights.closed_at),
        "denial_reason": rights.denial_reason or None,
        "outcome": rights.outcome or None,
    }


def _officer(options: dict[str, Any]) -> User:
    return staff_account(options["officer"], "--as")


def _request(options: dict[str, Any]) -> RightsRequest:
    rights = request_by_reference(options["request_id"])
    if rights is None:
        raise CommandError(_("no rights request with that reference"))
    return rights


def _not_an_officer(_error: Exception) -> str:
    return _("--as: only a privacy officer handles rights requests")


def _refused_move(error: Exception) -> str:
    refused = cast(TransitionRefusedError, error)
    return _("a request in state %(current)s cannot become %(target)s") % {
        "current": refused.current,
        "target": refused.target,
    }


# What the workflow services still raise as plain exceptions, in the reader's words.
WORKFLOW_REFUSALS: Legacy = {
    PermissionError: _not_an_officer,
    TransitionRefusedError: _refused_move,
}


def _report(
    command: BaseCommand, rights: RightsRequest, when: Moment, *, as_json: bool, text: str
) -> None:
    if as_json:
        write_json(command, result_as_dict(rights, when.day))
    else:
        command.stdout.write(text)


# -- submit and verify -------------------------------------------------------------------------


def _submit_refusal(error: Exception) -> str:
    words = {
        "email": _("--email: is not a valid email address"),
        "details": _("--details: is longer than %(count)d characters") % {"count": MAX_DETAILS},
    }
    problems = cast(InvalidInputError, error).errors
    return "; ".join(words.get(problem.field, str(problem)) for problem in problems)


def do_submit(command: BaseCommand, options: dict[str, Any], when: Moment) -> None:
    """A request received by post, telephone or in person, recorded on the day it came."""
    user = _officer(options)
    with refusals({**WORKFLOW_REFUSALS, InvalidInputError: _submit_refusal}):
        require_privacy_officer(user)
        rights = dsr_request_submit(
            kind=options["kind"],
            email=options["email"],
            language=options["language"],
            jurisdiction=options["jurisdiction"],
            details=options["details"] or "",
            direct_marketing=options["direct_marketing"],
            channel=CHANNEL,
            actor=actor_for(user),
            submitted_by=user,
            now=when.now,
            received_on=when.day,
        )
    _report(
        command,
        rights,
        when,
        as_json=options["json"],
        text=_(
            "Rights request %(id)s recorded (%(kind)s, %(jurisdiction)s), due on %(due)s; "
            "a one-time code was sent to the address given."
        )
        % {
            "id": rights.public_id,
            "kind": rights.kind,
            "jurisdiction": rights.jurisdiction,
            "due": rights.due_on.isoformat(),
        },
    )


def _code_refusal(result: CodeCheck) -> str:
    words = {
        CodeCheck.WRONG: _("--code: the code is wrong"),
        CodeCheck.EXPIRED: _("--code: the code has expired (15 minutes): send a new one"),
        CodeCheck.EXHAUSTED: _("--code: too many tries: send a new code"),
        CodeCheck.USED: _("--code: no code is waiting: the request is not awaiting verification"),
    }
    return words[result]


def do_verify(command: BaseCommand, options: dict[str, Any], when: Moment) -> None:
    """The identity check an operator can do (notice §9.2): the person read the emailed code
    to them (``--code``), or they confirmed the identity by telephone (``--phone``)."""
    user, rights = _officer(options), _request(options)
    with refusals(WORKFLOW_REFUSALS):
        require_privacy_officer(user)
        if options["code"] is not None:
            result = dsr_code_check(
                request=rights, code=options["code"], now=when.now, actor=actor_for(user)
            )
            if result is not CodeCheck.OK:
                raise CommandError(_code_refusal(result))
        else:
            dsr_request_verify_by_phone(request=rights, user=user, now=when.now)
    rights.refresh_from_db()
    _report(
        command,
        rights,
        when,
        as_json=options["json"],
        text=_("Rights request %(id)s verified (%(method)s).")
        % {"id": rights.public_id, "method": rights.verified_method},
    )


# -- the workflow ------------------------------------------------------------------------------


def _extension_refusal(rights: RightsRequest, day: dt.date) -> str:
    """Why the law (dsr/domain/deadlines.py) refused the extension, in the reader's words."""
    if is_closed(rights.state):
        return _("the request is closed")
    if rights.extended_on is not None:
        return _("the request was already extended")
    if not deadlines.deadline(rights.received_on, rights.jurisdiction).extendable:
        return _("the Quebec act allows no extension of the 30 days")
    if day < rights.received_on:
        return _("the extension notice cannot precede the request")
    return _("the extension notice must be sent before the due day")


def do_extend(command: BaseCommand, options: dict[str, Any], when: Moment) -> None:
    user, rights = _officer(options), _request(options)
    refused: Legacy = {
        deadlines.ExtensionRefusedError: lambda _e: _extension_refusal(rights, when.day)
    }
    with refusals({**WORKFLOW_REFUSALS, **refused}):
        rights = dsr_request_extend(request=rights, user=user, today=when.day)
    _report(
        command,
        rights,
        when,
        as_json=options["json"],
        text=_("Rights request %(id)s extended: now due on %(due)s.")
        % {"id": rights.public_id, "due": rights.due_on.isoformat()},
    )


def do_assign(command: BaseCommand, options: dict[str, Any], when: Moment) -> None:
    user, rights = _officer(options), _request(options)
    assignee = staff_account(options["to"], "--to")
    officers_only = _("--as and --to: only privacy officers handle rights requests")
    with refusals({PermissionError: lambda _e: officers_only}):
        rights = dsr_request_assign(request=rights, assignee=assignee, user=user)
    _report(
        command,
        rights,
        when,
        as_json=options["json"],
        text=_("Rights request %(id)s assigned to %(name)s.")
        % {"id": rights.public_id, "name": assignee.username},
    )


def _corrections(pairs: list[str]) -> dict[str, str]:
    corrections = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise CommandError(_("--correct must be FIELD=VALUE, not %(value)r") % {"value": pair})
        corrections[name.strip()] = value
    return corrections


def _correction_refusal(error: Exception) -> str:
    return "; ".join(
        _("--correct %(field)s: is not a value that can be recorded") % {"field": problem.field}
        if problem.field != "corrections"
        else _("--correct: give at least one corrected value (FIELD=VALUE)")
        for problem in cast(InvalidInputError, error).errors
    )


def do_answer(command: BaseCommand, options: dict[str, Any], when: Moment) -> None:
    """Fulfil a verified request (dsr/fulfilment.py): the registry changes, the letter leaves."""
    user, rights = _officer(options), _request(options)
    not_verified = _("a request in state %(state)s cannot be answered: verify it first") % {
        "state": rights.state
    }
    answer_refusals: Legacy = {
        **WORKFLOW_REFUSALS,
        InvalidInputError: _correction_refusal,
        ValueError: lambda _e: not_verified,
    }
    with refusals(answer_refusals):
        rights = dsr_request_fulfil(
            request=rights,
            user=user,
            now=when.now,
            today=when.day,
            base_url=settings.OMNI_PUBLIC_URL,
            corrections=_corrections(options["correct"]) or None,
        )
    _report(
        command,
        rights,
        when,
        as_json=options["json"],
        text=_("Rights request %(id)s answered: %(state)s.")
        % {"id": rights.public_id, "state": rights.state},
    )


def do_deny(command: BaseCommand, options: dict[str, Any], when: Moment) -> None:
    user, rights = _officer(options), _request(options)
    with refusals(WORKFLOW_REFUSALS):
        rights = dsr_request_deny(
            request=rights,
            user=user,
            reason=options["reason"],
            text=options["text"] or "",
            now=when.now,
        )
    _report(
        command,
        rights,
        when,
        as_json=options["json"],
        text=_("Rights request %(id)s denied (%(reason)s).")
        % {"id": rights.public_id, "reason": rights.denial_reason},
    )


def do_withdraw(command: BaseCommand, options: dict[str, Any], when: Moment) -> None:
    """The person withdrew the request (by telephone, by post): recorded by an officer."""
    user, rights = _officer(options), _request(options)
    with refusals(WORKFLOW_REFUSALS):
        rights = dsr_request_transition(
            request=rights, target=State.WITHDRAWN, user=user, now=when.now
        )
    _report(
        command,
        rights,
        when,
        as_json=options["json"],
        text=_("Rights request %(id)s withdrawn.") % {"id": rights.public_id},
    )
