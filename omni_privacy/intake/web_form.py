"""The public information-request form (notice §2.4 scenario 2: "punctual collection by
form"): whoever asks is recorded as a sales contact by form, through the collection gate, with
the consent the request carries and, on a Global Privacy Control signal, the suppression of
direct marketing. The portal's page only checks the form and calls this service."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from omni_privacy.consent.services import consent_record, suppression_add
from omni_privacy.intake.contacts import sales_contact_record
from omni_privacy.notices.selectors import notice_version_in_force
from omni_privacy.registry.models import Holding


def information_request_record(
    *,
    email: str,
    full_name: str,
    phone: str | None,
    language: str,
    gpc: bool,
    today: dt.date,
    now: dt.datetime,
) -> Holding:
    """Record the contact, the consent it carries (to be answered about our software: notice
    §3 ¶3, §9 ¶1, tied to the notice version in force, which the page showed, and to its
    language) and, when ``gpc``, the suppression of direct marketing for the address: all or
    nothing. Raises InvalidInputError naming the gate's field; nothing is written then."""
    identifier, version = notice_version_in_force(at=today)
    with transaction.atomic():
        holding = sales_contact_record(
            actor="portal",
            email=email,
            full_name=full_name,
            phone=phone or None,
            preferred_language=language,
            channel="form",
            day=today,
            as_of=today,
        )
        assert holding.person is not None  # noqa: S101 - a recorded holding has its person
        consent_record(
            person=holding.person,
            purpose=holding.purpose,
            given=True,
            notice_identifier=identifier,
            notice_version=version,
            language=language,
            channel="form",
            at=now,
            actor="portal",
        )
        if gpc:
            suppression_add(
                email=email,
                scope="direct_marketing",
                reason="Sec-GPC: 1 on the information-request form",
                source="gpc",
                at=now,
                actor="portal",
            )
    return holding
