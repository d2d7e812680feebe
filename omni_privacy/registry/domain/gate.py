"""The collection gate (notice §2.1, §2.4, §3, §9; REQUIREMENTS #1, #6, #16).

Pure: given what someone wants to record, the policy and the organisation's facts, return the
normalised holding or every reason it is refused, each naming its field. Nothing here writes;
`registry.services.holding_record` writes only what this accepts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from omni_privacy.core.errors import FieldError, template_of
from omni_privacy.core.text import NAME_INVISIBLE, invisible_character
from omni_privacy.policy.domain.schema import Policy, Source
from omni_privacy.registry.domain.facts import OrganizationFacts

PHONE_DEFAULT_REGION = "CA"
MAX_NAME = 200
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # C0 and C1 controls: never part of a name


@dataclass(frozen=True)
class HoldingCandidate:
    """What is offered for recording, as received (strings from a form or a JSON line)."""

    source: str
    purpose: str
    legal_basis: str
    channel: str
    collected_at: dt.date
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    preferred_language: str | None = None
    last_contact_at: dt.date | None = None
    roles: tuple[str, ...] = ()
    role_removed_at: dt.date | None = None
    contacted_us: bool = True
    """Sales: the person contacted us (else the purchasing-group contract must allow it)."""


@dataclass(frozen=True)
class AcceptedHolding:
    source: str
    purpose: str
    legal_basis: str
    channel: str
    collected_at: dt.date
    email: str
    full_name: str | None
    phone: str | None
    preferred_language: str | None
    last_contact_at: dt.date | None
    roles: tuple[str, ...]
    role_removed_at: dt.date | None


@dataclass
class GateResult:
    accepted: AcceptedHolding | None = None
    errors: list[FieldError] = field(default_factory=list)


def normalize_email(raw: str) -> str:
    """The normalised address (lower-cased domain, IDNA) or EmailNotValidError."""
    result = validate_email(raw.strip(), check_deliverability=False)
    return str(result.normalized)


def normalize_phone(raw: str) -> str:
    """E.164 (``+15145550100``) or ValueError. Numbers without a country code are Canadian."""
    try:
        number = phonenumbers.parse(raw, PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("is not a telephone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("is not a valid telephone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _choice(
    errors: list[FieldError],
    *,
    name: str,
    value: str,
    allowed: tuple[str, ...],
    known: Any,
    what: str,
    source: Source,
) -> None:
    if value not in known:
        errors.append(FieldError(name, f"unknown {what} {value!r}", "unknown"))
    elif value not in allowed:
        errors.append(
            FieldError(
                name,
                f"{what} {value!r} is not allowed for source {source.id} (notice {source.section})",
                "not_allowed",
            )
        )


def _check_condition(
    candidate: HoldingCandidate,
    source: Source,
    organization: OrganizationFacts,
    errors: list[FieldError],
) -> None:
    day = candidate.collected_at
    if source.condition == "profile_role":
        # A profile whose roles were withdrawn is still recorded (it must then be deleted).
        if not candidate.roles and candidate.role_removed_at is None:
            errors.append(
                FieldError(
                    "roles",
                    f"a {source.id} holding needs one of the roles {', '.join(source.roles)} "
                    f"(notice {source.section})",
                    "condition",
                )
            )
        for index, role in enumerate(candidate.roles):
            if role not in source.roles:
                errors.append(FieldError(f"roles[{index}]", f"unknown role {role!r}", "unknown"))
        if not organization.subscribed_on(day):
            errors.append(
                FieldError(
                    "organization",
                    f"has no subscription on {day}: no software profile can be "
                    "collected (notice §2.1 ¶2)",
                    "condition",
                )
            )
    elif source.condition == "service_call":
        if not organization.subscribed_on(day):
            errors.append(
                FieldError(
                    "organization",
                    f"has no subscription on {day}: a service call needs one "
                    "(notice §2.1 ¶3, §3 ¶2)",
                    "condition",
                )
            )
    elif source.condition == "contact_or_purchasing_group":
        if not candidate.contacted_us and not organization.purchasing_group_active_on(day):
            errors.append(
                FieldError(
                    "contacted_us",
                    "sales data needs the person to have contacted us, or an active "
                    f"purchasing-group contract on {day} (notice §2.1 ¶4)",
                    "condition",
                )
            )
    elif source.condition == "contract_process" and not organization.has_subscription():
        errors.append(
            FieldError(
                "organization",
                "has no licence or subscription contract: administrative data "
                "needs one (notice §2.1 ¶5)",
                "condition",
            )
        )
    if candidate.roles and source.condition != "profile_role":
        errors.append(
            FieldError("roles", f"roles only apply to software profiles, not {source.id}")
        )
    if candidate.role_removed_at is not None and source.condition != "profile_role":
        errors.append(FieldError("role_removed_at", "only applies to software profiles"))


def _check_values(
    candidate: HoldingCandidate,
    source: Source,
    errors: list[FieldError],
    held_emails: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    offered = {
        "full_name": candidate.full_name,
        "email": candidate.email,
        "phone": candidate.phone,
        "preferred_language": candidate.preferred_language,
    }
    for name, value in offered.items():
        # Blank (or whitespace-only) means "not offered": never held as an empty string, and
        # never refused as a field the source may not hold.
        if value is None or not str(value).strip():
            values[name] = None
            continue
        if name not in source.fields:
            errors.append(
                FieldError(
                    f"person.{name}",
                    f"source {source.id} may not hold this field (notice {source.section})",
                    "not_allowed",
                )
            )
            values[name] = None
            continue
        values[name] = value
    if not values["email"]:
        errors.append(FieldError("person.email", "is required", "required"))
    elif values["email"] not in held_emails:
        try:
            values["email"] = normalize_email(values["email"])
        except EmailNotValidError as exc:
            # The library's message may quote the address: keep personal data out of errors.
            errors.append(FieldError("person.email", "is not a valid email address"))
            del exc
    if values["full_name"] is not None:
        values["full_name"] = " ".join(str(values["full_name"]).split())
        if len(values["full_name"]) > MAX_NAME:
            errors.append(FieldError("person.full_name", f"is longer than {MAX_NAME} characters"))
        if _CONTROL.search(values["full_name"]):
            errors.append(FieldError("person.full_name", "contains a control character", "control"))
        if (codepoint := invisible_character(values["full_name"])) is not None:
            said = str(template_of(NAME_INVISIBLE)) % {"codepoint": codepoint}
            errors.append(FieldError("person.full_name", said, NAME_INVISIBLE))
    if values["phone"]:
        try:
            values["phone"] = normalize_phone(str(values["phone"]))
        except ValueError as exc:
            errors.append(FieldError("person.phone", str(exc)))
    if values["preferred_language"] and values["preferred_language"] not in ("fr", "en"):
        errors.append(FieldError("person.preferred_language", "must be fr or en"))
    return values


def check_holding(
    candidate: HoldingCandidate,
    policy: Policy,
    organization: OrganizationFacts,
    *,
    today: dt.date,
    held_emails: frozenset[str] = frozenset(),
) -> GateResult:
    """Every reason to refuse ``candidate`` (each naming its field), or the accepted holding.

    ``held_emails``: addresses the registry already holds, each accepted by ``normalize_email``
    when stored; normalising is idempotent, so one of them is taken as it is (the monthly
    sync's rectifications mostly keep the address, and validating it is the gate's dearest
    step)."""
    source = policy.sources.get(candidate.source)
    if source is None:
        return GateResult(
            errors=[
                FieldError(
                    "source",
                    f"unknown source {candidate.source!r}; expected one of "
                    f"{', '.join(policy.sources)}",
                    "unknown",
                )
            ]
        )
    errors: list[FieldError] = []
    _choice(
        errors,
        name="purpose",
        value=candidate.purpose,
        allowed=source.purposes,
        known=policy.purposes,
        what="purpose",
        source=source,
    )
    _choice(
        errors,
        name="legal_basis",
        value=candidate.legal_basis,
        allowed=source.legal_bases,
        known=policy.legal_bases,
        what="legal basis",
        source=source,
    )
    if candidate.channel not in source.channels:
        errors.append(
            FieldError(
                "channel",
                f"channel {candidate.channel!r} is not how source {source.id} collects "
                f"(expected {', '.join(source.channels)})",
                "not_allowed",
            )
        )
    if candidate.collected_at > today:
        errors.append(FieldError("collected_at", f"is in the future ({candidate.collected_at})"))
    # A future date would start a retention clock that has not started (a future last contact
    # keeps sales data past notice §4 ¶3's five years), so it is refused like collected_at.
    for name, day in (
        ("last_contact_at", candidate.last_contact_at),
        ("role_removed_at", candidate.role_removed_at),
    ):
        if day is None:
            continue
        if day < candidate.collected_at:
            errors.append(FieldError(name, "is before collected_at"))
        elif day > today:
            errors.append(FieldError(name, f"is in the future ({day})"))
    _check_condition(candidate, source, organization, errors)
    values = _check_values(candidate, source, errors, held_emails)
    if errors:
        return GateResult(errors=errors)
    return GateResult(
        accepted=AcceptedHolding(
            source=source.id,
            purpose=candidate.purpose,
            legal_basis=candidate.legal_basis,
            channel=candidate.channel,
            collected_at=candidate.collected_at,
            email=values["email"],
            full_name=values["full_name"],
            phone=values["phone"],
            preferred_language=values["preferred_language"],
            last_contact_at=candidate.last_contact_at,
            roles=tuple(candidate.roles),
            role_removed_at=candidate.role_removed_at,
        )
    )
