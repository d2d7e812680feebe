"""The collection gate (notice §2.1, §2.4, §3, §9; REQUIREMENTS #1, #6, #16).

Pure: given what someone wants to record, the policy and the organisation's facts, return the
normalised holding or every reason it is refused, each naming its field. Nothing here writes;
`registry.services.holding_record` writes only what this accepts.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from omni_privacy.core.errors import Problem, define, gettext_noop
from omni_privacy.core.text import NAME_INVISIBLE, invisible_character
from omni_privacy.policy.domain.schema import Policy, Source
from omni_privacy.registry.domain.facts import OrganizationFacts

PHONE_DEFAULT_REGION = "CA"
MAX_NAME = 200
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # C0 and C1 controls: never part of a name

# The gate's refusals, as codes (core/errors.py): each interface says them in the reader's
# language. Values quoted in them come from the policy file or the input's own codes, never
# personal data (an address or a name is never quoted back).
UNKNOWN_SOURCE = define(
    "gate.unknown_source", gettext_noop("unknown source '%(value)s'; expected one of %(expected)s")
)
UNKNOWN_PURPOSE = define("gate.unknown_purpose", gettext_noop("unknown purpose '%(value)s'"))
UNKNOWN_LEGAL_BASIS = define(
    "gate.unknown_legal_basis", gettext_noop("unknown legal basis '%(value)s'")
)
PURPOSE_NOT_ALLOWED = define(
    "gate.purpose_not_allowed",
    gettext_noop("purpose '%(value)s' is not allowed for source %(source)s (notice %(section)s)"),
)
LEGAL_BASIS_NOT_ALLOWED = define(
    "gate.legal_basis_not_allowed",
    gettext_noop(
        "legal basis '%(value)s' is not allowed for source %(source)s (notice %(section)s)"
    ),
)
CHANNEL_NOT_ALLOWED = define(
    "gate.channel_not_allowed",
    gettext_noop(
        "channel '%(value)s' is not how source %(source)s collects (expected %(expected)s)"
    ),
)
IN_FUTURE = define("gate.in_future", gettext_noop("is in the future (%(day)s)"))
BEFORE_COLLECTED = define("gate.before_collected", gettext_noop("is before collected_at"))
ROLES_REQUIRED = define(
    "gate.roles_required",
    gettext_noop("a %(source)s holding needs one of the roles %(roles)s (notice %(section)s)"),
)
UNKNOWN_ROLE = define("gate.unknown_role", gettext_noop("unknown role '%(value)s'"))
PROFILE_NEEDS_SUBSCRIPTION = define(
    "gate.profile_needs_subscription",
    gettext_noop(
        "has no subscription on %(day)s: no software profile can be collected (notice §2.1 ¶2)"
    ),
)
SERVICE_CALL_NEEDS_SUBSCRIPTION = define(
    "gate.service_call_needs_subscription",
    gettext_noop(
        "has no subscription on %(day)s: a service call needs one (notice §2.1 ¶3, §3 ¶2)"
    ),
)
SALES_NEEDS_CONTACT = define(
    "gate.sales_needs_contact",
    gettext_noop(
        "sales data needs the person to have contacted us, or an active purchasing-group "
        "contract on %(day)s (notice §2.1 ¶4)"
    ),
)
ADMINISTRATION_NEEDS_CONTRACT = define(
    "gate.administration_needs_contract",
    gettext_noop(
        "has no licence or subscription contract: administrative data needs one (notice §2.1 ¶5)"
    ),
)
ROLES_ONLY_PROFILES = define(
    "gate.roles_only_profiles",
    gettext_noop("roles only apply to software profiles, not %(source)s"),
)
ONLY_PROFILES = define("gate.only_profiles", gettext_noop("only applies to software profiles"))
FIELD_NOT_ALLOWED = define(
    "gate.field_not_allowed",
    gettext_noop("source %(source)s may not hold this field (notice %(section)s)"),
)
REQUIRED = define("gate.required", gettext_noop("is required"))
EMAIL_INVALID = define("gate.email_invalid", gettext_noop("is not a valid email address"))
TOO_LONG = define("gate.too_long", gettext_noop("is longer than %(limit)s characters"))
CONTROL = define("gate.control", gettext_noop("contains a control character"))
PHONE_NOT_A_NUMBER = define("gate.phone_not_a_number", gettext_noop("is not a telephone number"))
PHONE_INVALID = define("gate.phone_invalid", gettext_noop("is not a valid telephone number"))
LANGUAGE_INVALID = define("gate.language_invalid", gettext_noop("must be fr or en"))
# The kind of each refusal, for an interface that words a kind its own way (the console's
# contact form says "the organisation has no subscription" for every unmet condition).
_KINDS = {
    **dict.fromkeys(
        (UNKNOWN_SOURCE, UNKNOWN_PURPOSE, UNKNOWN_LEGAL_BASIS, UNKNOWN_ROLE), "unknown"
    ),
    **dict.fromkeys(
        (PURPOSE_NOT_ALLOWED, LEGAL_BASIS_NOT_ALLOWED, CHANNEL_NOT_ALLOWED, FIELD_NOT_ALLOWED),
        "not_allowed",
    ),
    # The notice's condition for a source is not met (§2.1).
    **dict.fromkeys(
        (
            PROFILE_NEEDS_SUBSCRIPTION,
            SERVICE_CALL_NEEDS_SUBSCRIPTION,
            SALES_NEEDS_CONTACT,
            ADMINISTRATION_NEEDS_CONTRACT,
            ROLES_REQUIRED,
        ),
        "condition",
    ),
    REQUIRED: "required",
    CONTROL: "control",
    NAME_INVISIBLE: NAME_INVISIBLE,
}


def kind_of(code: str) -> str:
    """``unknown``, ``not_allowed``, ``condition``, ``required``, ``control``, the invisible
    character's own code, or ``invalid`` (a value of the wrong form)."""
    return _KINDS.get(code, "invalid")


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
    errors: list[Problem] = field(default_factory=list)


# The plain addresses most files hold: an ASCII dot-atom local part of the commonest
# characters, which email-validator keeps as it is. For one of these only the domain needs
# the library, and a file holds few domains: validating each address in full cost 0.2 ms,
# the dearest step of a first sync and of `import` (docs/benchmarks.md).
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*\Z")
LOCAL_MAX, ADDRESS_MAX = 64, 254  # RFC 5321's limits, as email-validator applies them


@functools.lru_cache(maxsize=4096)
def _plain_domain(domain: str) -> str | None:
    """``domain`` normalised as email-validator does it for an address, or None if refused."""
    try:
        return str(validate_email(f"a@{domain}", check_deliverability=False).domain)
    except EmailNotValidError:
        return None


def normalize_email(raw: str) -> str:
    """The normalised address (lower-cased domain, IDNA) or EmailNotValidError.

    Exactly email-validator's answer (tests/registry/domain/test_email_normalisation.py
    compares the two): a plain address is its local part with the library's answer for its
    domain, remembered per domain; any other goes through the library whole."""
    address = raw.strip()
    local, at, domain = address.rpartition("@")
    if (
        at
        and address.isascii()
        and len(local) <= LOCAL_MAX
        and len(address) <= ADDRESS_MAX
        and _PLAIN_LOCAL.match(local)
        and (normalised := _plain_domain(domain)) is not None
    ):
        return f"{local}@{normalised}"
    result = validate_email(address, check_deliverability=False)
    return str(result.normalized)


def normalize_phone(raw: str) -> str:
    """E.164 (``+15145550100``) or ValueError (its argument the refusal's code). Numbers
    without a country code are Canadian."""
    try:
        number = phonenumbers.parse(raw, PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(PHONE_NOT_A_NUMBER) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(PHONE_INVALID)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _choice(
    errors: list[Problem],
    *,
    name: str,
    value: str,
    allowed: tuple[str, ...],
    known: Any,
    unknown: str,
    not_allowed: str,
    source: Source,
) -> None:
    if value not in known:
        errors.append(Problem(unknown, {"value": value}, field=name))
    elif value not in allowed:
        errors.append(
            Problem(
                not_allowed,
                {"value": value, "source": source.id, "section": source.section},
                field=name,
            )
        )


def _check_condition(
    candidate: HoldingCandidate,
    source: Source,
    organization: OrganizationFacts,
    errors: list[Problem],
) -> None:
    day = candidate.collected_at
    if source.condition == "profile_role":
        # A profile whose roles were withdrawn is still recorded (it must then be deleted).
        if not candidate.roles and candidate.role_removed_at is None:
            errors.append(
                Problem(
                    ROLES_REQUIRED,
                    {
                        "source": source.id,
                        "roles": ", ".join(source.roles),
                        "section": source.section,
                    },
                    field="roles",
                )
            )
        for index, role in enumerate(candidate.roles):
            if role not in source.roles:
                errors.append(Problem(UNKNOWN_ROLE, {"value": role}, field=f"roles[{index}]"))
        if not organization.subscribed_on(day):
            errors.append(
                Problem(PROFILE_NEEDS_SUBSCRIPTION, {"day": day.isoformat()}, field="organization")
            )
    elif source.condition == "service_call":
        if not organization.subscribed_on(day):
            errors.append(
                Problem(
                    SERVICE_CALL_NEEDS_SUBSCRIPTION, {"day": day.isoformat()}, field="organization"
                )
            )
    elif source.condition == "contact_or_purchasing_group":
        if not candidate.contacted_us and not organization.purchasing_group_active_on(day):
            errors.append(
                Problem(SALES_NEEDS_CONTACT, {"day": day.isoformat()}, field="contacted_us")
            )
    elif source.condition == "contract_process" and not organization.has_subscription():
        errors.append(Problem(ADMINISTRATION_NEEDS_CONTRACT, field="organization"))
    if candidate.roles and source.condition != "profile_role":
        errors.append(Problem(ROLES_ONLY_PROFILES, {"source": source.id}, field="roles"))
    if candidate.role_removed_at is not None and source.condition != "profile_role":
        errors.append(Problem(ONLY_PROFILES, field="role_removed_at"))


def _check_values(
    candidate: HoldingCandidate,
    source: Source,
    errors: list[Problem],
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
                Problem(
                    FIELD_NOT_ALLOWED,
                    {"source": source.id, "section": source.section},
                    field=f"person.{name}",
                )
            )
            values[name] = None
            continue
        values[name] = value
    if not values["email"]:
        errors.append(Problem(REQUIRED, field="person.email"))
    elif values["email"] not in held_emails:
        try:
            values["email"] = normalize_email(values["email"])
        except EmailNotValidError as exc:
            # The library's message may quote the address: keep personal data out of errors.
            errors.append(Problem(EMAIL_INVALID, field="person.email"))
            del exc
    if values["full_name"] is not None:
        values["full_name"] = " ".join(str(values["full_name"]).split())
        if len(values["full_name"]) > MAX_NAME:
            errors.append(Problem(TOO_LONG, {"limit": MAX_NAME}, field="person.full_name"))
        if _CONTROL.search(values["full_name"]):
            errors.append(Problem(CONTROL, field="person.full_name"))
        if (codepoint := invisible_character(values["full_name"])) is not None:
            errors.append(
                Problem(NAME_INVISIBLE, {"codepoint": codepoint}, field="person.full_name")
            )
    if values["phone"]:
        try:
            values["phone"] = normalize_phone(str(values["phone"]))
        except ValueError as exc:
            errors.append(Problem(str(exc), field="person.phone"))
    if values["preferred_language"] and values["preferred_language"] not in ("fr", "en"):
        errors.append(Problem(LANGUAGE_INVALID, field="person.preferred_language"))
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
                Problem(
                    UNKNOWN_SOURCE,
                    {"value": candidate.source, "expected": ", ".join(policy.sources)},
                    field="source",
                )
            ]
        )
    errors: list[Problem] = []
    _choice(
        errors,
        name="purpose",
        value=candidate.purpose,
        allowed=source.purposes,
        known=policy.purposes,
        unknown=UNKNOWN_PURPOSE,
        not_allowed=PURPOSE_NOT_ALLOWED,
        source=source,
    )
    _choice(
        errors,
        name="legal_basis",
        value=candidate.legal_basis,
        allowed=source.legal_bases,
        known=policy.legal_bases,
        unknown=UNKNOWN_LEGAL_BASIS,
        not_allowed=LEGAL_BASIS_NOT_ALLOWED,
        source=source,
    )
    if candidate.channel not in source.channels:
        errors.append(
            Problem(
                CHANNEL_NOT_ALLOWED,
                {
                    "value": candidate.channel,
                    "source": source.id,
                    "expected": ", ".join(source.channels),
                },
                field="channel",
            )
        )
    if candidate.collected_at > today:
        errors.append(
            Problem(IN_FUTURE, {"day": candidate.collected_at.isoformat()}, field="collected_at")
        )
    # A future date would start a retention clock that has not started (a future last contact
    # keeps sales data past notice §4 ¶3's five years), so it is refused like collected_at.
    for name, day in (
        ("last_contact_at", candidate.last_contact_at),
        ("role_removed_at", candidate.role_removed_at),
    ):
        if day is None:
            continue
        if day < candidate.collected_at:
            errors.append(Problem(BEFORE_COLLECTED, field=name))
        elif day > today:
            errors.append(Problem(IN_FUTURE, {"day": day.isoformat()}, field=name))
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
