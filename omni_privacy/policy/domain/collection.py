"""What a holding carries when it is collected: its source's purpose and legal basis, its
channel, and the personal fields it may hold (notice §2.1, §2.4, §3; issue 13 point 1).

Pure: the policy file (policy/domain/schema.py) says which sources, fields, channels,
purposes and bases exist; these functions say which of them a new holding takes. The code
knows only the *kind* of channel that arrives from customers' instances (the monthly sync).
"""

from __future__ import annotations

from omni_privacy.policy.domain.schema import Policy

SYNC_CHANNEL = "monthly_sync"
"""The channel of data that arrives from customers' instances, never typed in (one of
schema.KNOWN_CHANNELS; notice §2.4 scenario 1)."""

CONTACT_CONDITION = "contact_or_purchasing_group"
"""The condition of the source collected when a person contacts us (schema.KNOWN_CONDITIONS)."""

CONSENT_BASIS = "consent"
"""The legal basis a withdrawal of consent ends (notice §9.1; GDPR art. 7(3))."""

OBJECTABLE_BASIS = "legitimate_interest"
"""The legal basis an objection applies to (notice §9.1; GDPR art. 21)."""

IDENTIFYING_FIELD = "email"
"""The field a person is known by (the keyed digest of the normalised address)."""


def synced_only(policy: Policy, source: str) -> bool:
    """``source`` is collected only by the monthly sync, never recorded by hand (notice §2.4
    scenario 1: the software profiles arrive from the instances)."""
    return not set(policy.sources[source].channels) - {SYNC_CHANNEL}


def sync_source(policy: Policy) -> str:
    """The source the monthly sync collects (notice §2.1 ¶2, §2.4 scenario 1): the one source
    whose only channel is the sync. A policy with none or several is refused here."""
    found = [source for source in policy.sources if synced_only(policy, source)]
    if len(found) != 1:
        raise ValueError(f"the policy must have exactly one source collected by {SYNC_CHANNEL}")
    return found[0]


def contact_source(policy: Policy) -> str:
    """The source someone who writes to us is recorded under (notice §2.1 ¶4: "if you
    contact us"; §2.4 scenario 2): the one source collected on the condition that the person
    contacted us (``contact_or_purchasing_group``, a condition the gate knows)."""
    found = [s for s, body in policy.sources.items() if body.condition == CONTACT_CONDITION]
    if len(found) != 1:
        raise ValueError(f"the policy must have exactly one source on {CONTACT_CONDITION}")
    return found[0]


def recorded_sources(policy: Policy) -> tuple[str, ...]:
    """The sources staff record by hand, in policy order (notice §2.4 scenario 2: "punctual
    collection by email, form or phone"): every source with a channel besides the sync."""
    return tuple(
        source for source, body in policy.sources.items() if set(body.channels) - {SYNC_CHANNEL}
    )


def purpose_and_basis(policy: Policy, source: str) -> tuple[str, str]:
    """The purpose and legal basis a new holding of ``source`` carries, through whichever of
    its channels it arrives (notice §3: purposes; the source's section, §2.1 ¶2-¶5): the
    source's first listed purpose and first listed basis, the ones the notice states for its
    collection. Whether the source may arrive through a channel is the collection gate's
    question."""
    body = policy.sources[source]
    return body.purposes[0], body.legal_bases[0]


def personal_fields(policy: Policy, source: str | None = None) -> tuple[str, ...]:
    """The personal fields ``source`` may hold (notice §2.1: each source lists what it
    collects), or, without a source, every personal field the notice names, in policy order."""
    if source is None:
        return tuple(policy.fields)
    return tuple(name for name in policy.fields if name in policy.sources[source].fields)


def rectifiable_fields(policy: Policy) -> tuple[str, ...]:
    """The fields a rectification request may correct in place (notice §9.1): every personal
    field but the address a person is known by (a new address is a new contact, §2.4)."""
    return tuple(name for name in personal_fields(policy) if name != IDENTIFYING_FIELD)
