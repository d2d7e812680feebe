"""What anonymising a holding means here (notice §4-§5 "delete or anonymise"; Quebec
anonymisation regulation: irreversible, re-identification risk very low, documented).

Pure: the sweep applies this in SQL (retention/sweep.py); the register entry describes it with
these codes, which console/retention_labels.py renders in French and English.
"""

from __future__ import annotations

from collections.abc import Iterable

# The holding row is deleted; these are what it carried that identifies or links a person.
FIELDS_REMOVED = (
    "full_name",
    "email",
    "phone",
    "preferred_language",
    "roles",
    "person",
    "instance",
    "public_id",
    "last_contact_at",
    "role_removed_at",
)
# Quasi-identifiers kept only coarsened: exact days narrow a record to one event, months do not.
FIELDS_GENERALISED = ("collected_at",)
# Organisation-level facts copied to an unlinked AnonymisedFact row, for statistics and proof.
FIELDS_KEPT = (
    "organization",
    "source",
    "purpose",
    "legal_basis",
    "channel",
    "collected_month",
    "anonymised_month",
    "retention_rule",
)

TECHNIQUES = (
    "suppression",  # direct identifiers deleted, not masked or encrypted
    "generalisation",  # dates coarsened to the month
    "unlinking",  # holding and person rows deleted; the kept facts go to a separate table with
    # fresh ids in random order and months only, so no id, order or date leads back to the holding
)
SECURITY_MEASURES = (
    "same_transaction",  # identifiers removed in the transaction that records the event
    "no_identifiers_in_audit",  # audit payloads refuse personal data; ids only
    "keyed_digest_ledger",  # the erasure ledger keeps an HMAC of the email, never the email
    "access_control",  # only privacy officers see the register and the holds
)
RISK_ANALYSIS = "very_low_org_level_facts"


def by_source_and_purpose(rows: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Count ``(source, purpose)`` pairs as ``{source: {purpose: n}}`` (sorted keys)."""
    counts: dict[str, dict[str, int]] = {}
    for source, purpose in rows:
        per_source = counts.setdefault(source, {})
        per_source[purpose] = per_source.get(purpose, 0) + 1
    return {source: dict(sorted(counts[source].items())) for source in sorted(counts)}


def merge_counts(into: dict[str, dict[str, int]], more: dict[str, dict[str, int]]) -> None:
    """Add ``more``'s nested counts to ``into`` in place."""
    for outer, inner in more.items():
        target = into.setdefault(outer, {})
        for key, count in inner.items():
            target[key] = target.get(key, 0) + count
