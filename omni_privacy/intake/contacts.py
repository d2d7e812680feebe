"""A sales contact from someone who wrote to us (notice §2.1 ¶4: "if you contact us"; §2.4
scenario 2: by email or form). Shared by the mail intake and the portal's information-request
form.

The organisation is the one given, or the one of the address's domain (``example.com`` ->
``example-com``), created as a prospect (no subscription) the first time.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from omni_privacy.policy.domain.collection import contact_source, purpose_and_basis
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.domain.gate import HoldingCandidate
from omni_privacy.registry.models import Holding, Organization
from omni_privacy.registry.services import OrganizationInput, holding_record, organization_upsert

_NOT_CODE = re.compile(r"[^a-z0-9-]+")


def prospect_organization(address: str, *, actor: str, as_of: dt.date) -> Organization:
    domain = address.rpartition("@")[2].strip().lower()
    code = _NOT_CODE.sub("-", domain).strip("-")[:64] or "unknown"
    found = Organization.objects.filter(code=code).first()
    if found is not None:
        return found
    return organization_upsert(
        actor=actor, data=OrganizationInput(code=code, name=domain[:200]), as_of=as_of
    )


def sales_contact_record(
    *,
    actor: str,
    email: str,
    full_name: str | None,
    channel: str,
    day: dt.date,
    as_of: dt.date,
    phone: str | None = None,
    preferred_language: str | None = None,
    organization: Organization | None = None,
) -> Holding:
    """Record (or refresh: the last contact moves to ``day``) the person's sales holding, through
    the collection gate. Raises InvalidInputError naming the field; nothing is written then."""
    policy = active_policy()
    source = contact_source(policy)
    purpose, basis = purpose_and_basis(policy, source)
    with transaction.atomic():
        return holding_record(
            actor=actor,
            organization=organization or prospect_organization(email, actor=actor, as_of=as_of),
            candidate=HoldingCandidate(
                source=source,
                purpose=purpose,
                legal_basis=basis,
                channel=channel,
                collected_at=day,
                full_name=full_name,
                email=email,
                phone=phone,
                preferred_language=preferred_language,
                last_contact_at=day,
                contacted_us=True,
            ),
            today=as_of,
        )
