"""A privacy officer's alarms on the dashboard (registry and retention pages), kept per
process for a few seconds (issue 18 point 5: ten queries on every view of a list page, a third
of its time with a million holdings).

What is kept is keyed by the day and the audit chain's head: every service writes its audit
event in its own transaction, so any recorded change (a request answered, a sync applied, an
incident declared) gives a new key and the next view counts afresh. What changes without an
audit event (time passing a deadline, a message given up by the outbox, a store found
unreachable) shows within ``KEEP_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
from threading import Lock
from typing import Any

from omni_privacy.audit.selectors import audit_head
from omni_privacy.conformance.runs import conformance_alarm
from omni_privacy.core import clock
from omni_privacy.dsr.selectors import overdue_requests, request_figures
from omni_privacy.intake.selectors import instance_syncs, sync_findings
from omni_privacy.outbox.mailbox import mailbox_in_use
from omni_privacy.outbox.selectors import undelivered_count
from omni_privacy.registers.selectors import incident_alarms
from omni_privacy.stores.selectors import stores_health
from omni_privacy.transfers.selectors import transfer_alarms

KEEP_SECONDS = 10.0
_KEPT: dict[str, tuple[tuple[dt.date, int], float, dict[str, Any]]] = {}
_LOCK = Lock()


def _count(as_of: dt.date) -> dict[str, Any]:
    figures = request_figures(today=as_of)
    return {
        # Notice §2.4: a refresh at most every month; an instance late, never synced or
        # failing is an alarm.
        "syncs": sync_findings(instance_syncs(now=clock.now())),
        # Notice §9: a rights request past its legal due day is an alarm.
        "rights": {
            "open": figures["open"],
            "due_soon": figures["due_soon"],
            "overdue": len(overdue_requests(today=as_of)),
        },
        # Issue 17: a store unreachable or an erasure blocked there is an alarm.
        "stores_health": stores_health(),
        "mail": {"undelivered": undelivered_count(), "mailbox": mailbox_in_use()},
        # Notice §6: a refused transfer, an assessment past its re-assessment day.
        "transfers": transfer_alarms(today=as_of),
        # Issue 16: an incident clock due or overdue; the daily conformance run failing.
        "incidents": incident_alarms(now=clock.now()),
        "conformance_alarm": conformance_alarm(),
    }


def officer_alarms(*, as_of: dt.date) -> dict[str, Any]:
    """The alarms of `retention check`, `dsr check` and `sync check` and the registers', from
    the very selectors those commands call, counted again when anything was recorded since or
    after ``KEEP_SECONDS``."""
    key = (as_of, audit_head())
    now = clock.now().timestamp()
    with _LOCK:
        kept = _KEPT.get("officer")
    if kept is not None and kept[0] == key and 0 <= now - kept[1] < KEEP_SECONDS:
        return kept[2]
    alarms = _count(as_of)
    with _LOCK:
        _KEPT["officer"] = (key, now, alarms)
    return alarms


def forget_alarms() -> None:
    """Tests: start from nothing kept."""
    with _LOCK:
        _KEPT.clear()
