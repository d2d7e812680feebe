"""Objection and consent withdrawal (notice §9.1; REQUIREMENTS #19, #22): the one place the
rights-request workflow hands a preference to the consent ledger and suppression list.

What was asked is also kept on the request itself (its case file, audited); the suppression
list and the consent ledger are what every mailing and use checks (consent.selectors.may_use).
"""

from __future__ import annotations

import datetime as dt

from omni_privacy.audit.services import audit_record
from omni_privacy.consent.services import consent_record, suppression_add
from omni_privacy.core.crypto import unseal
from omni_privacy.dsr.models import BridgedPreference, RightsRequest
from omni_privacy.notices.selectors import notice_version_in_force
from omni_privacy.policy.loader import active_policy


def _record(
    *, request: RightsRequest, kind: str, scopes: list[str], at: dt.datetime, actor: str
) -> list[str]:
    for scope in scopes:
        BridgedPreference.objects.create(request=request, kind=kind, scope=scope, recorded_at=at)
    audit_record(
        actor=actor,
        action=f"rights_request.{kind}_recorded",
        object_type="rights_request",
        object_id=str(request.public_id),
        payload={"scopes": scopes},
    )
    return scopes


def record_objection(
    *, request: RightsRequest, scopes: list[str], at: dt.datetime, actor: str
) -> list[str]:
    """Objection: "direct_marketing" is absolute (GDPR 21(3)); otherwise one scope per
    purpose processed on legitimate interest. Call inside the service's transaction."""
    email = unseal(request.email_sealed)
    for scope in scopes:
        suppression_add(
            email=email, scope=scope, reason="objection", source="dsr", at=at, actor=actor
        )
    return _record(request=request, kind="objection", scopes=scopes, at=at, actor=actor)


def record_withdrawal(
    *, request: RightsRequest, scopes: list[str], at: dt.datetime, actor: str
) -> list[str]:
    """Consent withdrawal, one scope per purpose processed on consent ("all" when none is
    known). Call inside the service's transaction."""
    # The notice version the person could read when withdrawing (the ledger records it).
    identifier, version = notice_version_in_force(at=at.date())
    purposes = active_policy().purposes
    if request.person is not None:
        for scope in scopes:
            if scope in purposes:  # "all": nothing is held on consent, nothing to withdraw
                consent_record(
                    person=request.person, purpose=scope, given=False,
                    notice_identifier=identifier, notice_version=version,
                    language=request.language, channel="portal", at=at, actor=actor,
                )  # fmt: skip
    return _record(request=request, kind="withdrawal", scopes=scopes, at=at, actor=actor)
