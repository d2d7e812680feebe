"""Demo recipients (notice §6): Omni's infrastructure and the mail relay, assessed by the demo
privacy officer, so that mail flows from `make run`; and a merger buyer not yet assessed, whose
transfers are refused until an officer records its assessment. Fictional."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from omni_privacy.transfers.models import Recipient
from omni_privacy.transfers.services import recipient_assess, recipient_register

_ASSESSED = (
    (
        "infrastructure", "omni-quebec", "Omni: servers in Quebec", "Québec, Canada",
        ("Names, emails, phone numbers and preferred languages of professional contacts: low "
        "sensitivity; no financial, health or identity-document data."),
    ),
    (
        "mail_relay", settings.OMNI_MAIL_RELAY_KEY, "Mail relay (demo)", "Québec, Canada",
        "Email addresses and the text of the notices and answers sent: low sensitivity.",
    ),
)  # fmt: skip


def demo_recipients(*, officer: Any, today: dt.date) -> int:
    """Register and assess the demo recipients once; returns how many were added."""
    if Recipient.objects.exists():
        return 0
    for kind, key, name, jurisdiction, sensitivity in _ASSESSED:
        recipient = recipient_register(
            actor="cli", kind=kind, key=key, name=name, jurisdiction=jurisdiction
        )
        recipient_assess(
            user=officer,
            recipient=recipient,
            sensitivity=sensitivity,
            purposes="The purposes of notice §3: service, updates, rights requests, notices.",
            protection_measures="TLS in transit, encryption at rest, access by role; contract "
            "clauses forbidding any other use (demo agreement).",
            legal_framework="Quebec: Act respecting the protection of personal information in "
            "the private sector (P-39.1).",
            conclusion="adequate",
            agreement_reference="DEMO-AGREEMENT-" + key.upper(),
            agreement_date=today - dt.timedelta(days=30),
            reassess_on=today + dt.timedelta(days=365),
            today=today,
        )
    recipient_register(
        actor="cli", kind="buyer", key="demo-buyer", name="Acquéreur Démo inc.",
        jurisdiction="Ontario, Canada",
    )  # fmt: skip
    return len(_ASSESSED) + 1
