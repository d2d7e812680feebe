"""Audit events and their actors in words, in the reader's language (issue 14 point 6): the
console's history and audit-log pages, the audit-log export and `omni-privacy dsr show` say
what happened and who did it, never ``rights_request.transitioned`` or ``user:<uuid>``.

The log stays opaque (nothing personal in payloads): staff names are looked up by the caller,
at reading time, and passed in as ``names`` (public id → name). A test reads every action
and actor the source records and fails if one has no words here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from omni_privacy.audit.action_words import ACTION_WORDS

STATES = {
    "received": gettext_lazy("received"),
    "awaiting_verification": gettext_lazy("awaiting verification"),
    "verified": gettext_lazy("verified"),
    "in_progress": gettext_lazy("in progress"),
    "fulfilled": gettext_lazy("fulfilled"),
    "partially_fulfilled": gettext_lazy("partially fulfilled"),
    "denied": gettext_lazy("denied"),
    "withdrawn": gettext_lazy("withdrawn"),
    "expired": gettext_lazy("expired"),
}
ACTORS = {
    "system": gettext_lazy("The system"),
    "system:stores": gettext_lazy("The system (external stores)"),
    "system:drp": gettext_lazy("The system (authorised agents)"),
    "portal": gettext_lazy("The person (portal)"),
    "person": gettext_lazy("The person"),
    "api": gettext_lazy("The person (API)"),
    "cli": gettext_lazy("The command line"),
    "anonymous": gettext_lazy("Someone not signed in"),
}


def actor_name(label: str, names: dict[str, str]) -> str:
    """An audit actor in words: a staff member's name, an authorised agent, or who else."""
    if label.startswith("user:"):
        return names.get(label[5:], _("a former staff member"))
    if label.startswith("drp:"):
        return _("Authorised agent %(agent)s") % {"agent": label[4:]}
    return str(ACTORS.get(label, label))


def _state(code: Any) -> str:
    return str(STATES.get(str(code), code))


def _day(value: Any) -> str:
    return str(value or "")


def sentence(action: str, payload: dict[str, Any], names: dict[str, str]) -> str:
    """The event as a sentence in the active language; the action code only if unknown."""
    if action == "rights_request.received":
        return _("Request received; legal due date %(due)s.") % {"due": _day(payload.get("due_on"))}
    if action == "rights_request.code_sent":
        return _("Verification code sent by email.")
    if action == "rights_request.code_refused":
        return _("A verification code was refused (attempt %(tries)s).") % {
            "tries": payload.get("tries", "?")
        }
    if action == "rights_request.transitioned":
        method = payload.get("method")
        if payload.get("to") == "verified" and method == "phone":
            return _("Identity verified by telephone; state: %(to)s.") % {
                "to": _state(payload.get("to"))
            }
        if payload.get("to") == "verified" and method == "email_code":
            return _("Identity verified by the code sent by email; state: %(to)s.") % {
                "to": _state(payload.get("to"))
            }
        return _("State changed from %(from)s to %(to)s.") % {
            "from": _state(payload.get("from")),
            "to": _state(payload.get("to")),
        }
    if action == "rights_request.assigned":
        return _("Assigned to %(name)s.") % {
            "name": actor_name(str(payload.get("assignee")), names)
        }
    if action == "rights_request.extended":
        return _("Time to answer extended from %(previous)s to %(due)s; notice sent.") % {
            "previous": _day(payload.get("previous_due_on")),
            "due": _day(payload.get("due_on")),
        }
    if action == "rights_request.status_link_sent":
        return _("A link to follow the request was sent by email, at the person's asking.")
    if action == "rights_request.downloaded":
        return _("The person downloaded a document (%(format)s) by its link.") % {
            "format": str(payload.get("format", "")).upper()
        }
    if action == "rights_request.objection_recorded":
        return _("Objection recorded in the consent ledger.")
    if action == "rights_request.withdrawal_recorded":
        return _("Consent withdrawal recorded in the consent ledger.")
    if action == "rights_request.noted":
        return _("Internal note added.")
    if action == "rights_request.reminded":
        return _("Reminder: the due date %(due)s is near.") % {"due": _day(payload.get("due_on"))}
    if action == "rights_request.purged":
        return _("Case file purged; the audit log keeps the evidence.")
    if action == "audit.exported":
        return _("Audit log exported as CSV.")
    if action == "retention.erasure_request.chunk":
        count = int(payload.get("count", 0))
        return ngettext(
            "Erasure carried out: %(count)s holding erased (erasure ledger and audit log).",
            "Erasure carried out: %(count)s holdings erased (erasure ledger and audit log).",
            count,
        ) % {"count": count}
    words = ACTION_WORDS.get(action)
    return str(words) if words is not None else action
