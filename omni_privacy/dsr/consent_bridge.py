"""Objection and consent withdrawal (notice §9.1; REQUIREMENTS #19, #22): the one place the
rights-request workflow hands a preference to the consent ledger and suppression list.

Until that app is merged, what was asked is recorded on the request itself (audited).
"""

from __future__ import annotations

import datetime as dt

from omni_privacy.audit.services import audit_record
from omni_privacy.dsr.models import BridgedPreference, RightsRequest


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
    # TODO(merge): call consent.services.suppression_add(email=..., scope=scope,
    # reason="objection", source="dsr", at=at, actor=...) for each scope.
    return _record(request=request, kind="objection", scopes=scopes, at=at, actor=actor)


def record_withdrawal(
    *, request: RightsRequest, scopes: list[str], at: dt.datetime, actor: str
) -> list[str]:
    """Consent withdrawal, one scope per purpose processed on consent ("all" when none is
    known). Call inside the service's transaction."""
    # TODO(merge): call consent.services.consent_record(person=..., purpose=scope, given=False,
    # notice_identifier=..., notice_version=..., language=request.language, channel="portal",
    # at=at, actor=...) for each scope.
    return _record(request=request, kind="withdrawal", scopes=scopes, at=at, actor=actor)
