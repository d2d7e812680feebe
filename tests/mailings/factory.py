"""Fictional people for the consent, mailings and portal tests (example.com / example.org).

acme (subscribed, instances acme-prod and acme-test)
  ana@example.com      profile acme-prod, update notices + security contact, fr
  ben@example.com      profile acme-prod, update notices, en
  cam@example.com      profile acme-test, update notices, no language (French by default)
initech (subscribed, instance initech-prod)
  dee@example.org      profile, security contact, en
  eve@example.org      profile, system administrator only, fr
globex (prospect)
  fay@example.com      sales, consent basis, en
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.domain.gate import HoldingCandidate
from omni_privacy.registry.models import Holding, Person
from omni_privacy.registry.services import (
    OrganizationInput,
    holding_record,
    instance_create,
    organization_upsert,
)

AS_OF = dt.date(2026, 11, 25)
UPDATE = "update_notice_subscriber"
SECURITY = "security_incident_contact"
ADMIN = "system_administrator"


@dataclass
class People:
    holdings: dict[str, Holding]

    def person(self, name: str) -> Person:
        person = self.holdings[name].person
        assert person is not None
        return person

    def email(self, name: str) -> str:
        return str(self.holdings[name].email)


def profile(
    organization: Any,
    instance: Any,
    email: str,
    roles: tuple[str, ...],
    language: str | None,
    *,
    purpose: str = "communication_obligations",
) -> Holding:
    return holding_record(
        actor="test",
        organization=organization,
        instance=instance,
        candidate=HoldingCandidate(
            source="software_profile",
            purpose=purpose,
            legal_basis="contract",
            channel="monthly_sync",
            collected_at=dt.date(2025, 3, 1),
            full_name="Example Person",
            email=email,
            preferred_language=language,
            roles=roles,
        ),
        today=AS_OF,
    )


def build_people() -> People:
    subscribed = (Interval(dt.date(2023, 1, 1)),)
    acme = organization_upsert(
        actor="test",
        data=OrganizationInput(code="acme", name="Acme", subscriptions=subscribed),
        as_of=AS_OF,
    )
    initech = organization_upsert(
        actor="test",
        data=OrganizationInput(code="initech", name="Initech", subscriptions=subscribed),
        as_of=AS_OF,
    )
    globex = organization_upsert(
        actor="test", data=OrganizationInput(code="globex", name="Globex"), as_of=AS_OF
    )
    acme_prod = instance_create(actor="test", organization=acme, code="acme-prod")
    acme_test = instance_create(actor="test", organization=acme, code="acme-test")
    initech_prod = instance_create(actor="test", organization=initech, code="initech-prod")
    holdings = {
        "ana": profile(acme, acme_prod, "ana@example.com", (UPDATE, SECURITY), "fr"),
        "ben": profile(acme, acme_prod, "ben@example.com", (UPDATE,), "en"),
        "cam": profile(acme, acme_test, "cam@example.com", (UPDATE,), None),
        "dee": profile(initech, initech_prod, "dee@example.org", (SECURITY,), "en"),
        "eve": profile(initech, initech_prod, "eve@example.org", (ADMIN,), "fr"),
        "fay": holding_record(
            actor="test",
            organization=globex,
            candidate=HoldingCandidate(
                source="sales",
                purpose="sales_information",
                legal_basis="consent",
                channel="form",
                collected_at=dt.date(2026, 10, 1),
                full_name="Fay Example",
                email="fay@example.com",
                preferred_language="en",
                last_contact_at=dt.date(2026, 10, 1),
            ),
            today=AS_OF,
        ),
    }
    return People(holdings)
