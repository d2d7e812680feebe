"""What anonymising a holding means here (notice §4-§5 "delete or anonymise"; Quebec
anonymisation regulation: irreversible, re-identification risk very low, documented).

Pure: the sweep applies this in SQL (retention/sweep.py); the register entry describes it with
these codes, which retention/register_text.py renders in French and English.
"""

from __future__ import annotations

from collections.abc import Iterable

# Direct identifiers: removed (set to null) on the holding; the person row that carried the
# keyed email digest is deleted once no holding refers to it.
FIELDS_REMOVED = ("full_name", "email", "phone", "preferred_language", "roles", "person")
# Quasi-identifiers: exact days narrow a record to one event, months do not.
FIELDS_GENERALISED = ("collected_at", "created_at")
# Dropped as quasi-identifiers that the kept facts do not need.
FIELDS_CLEARED = ("last_contact_at", "role_removed_at")
# Non-identifying facts kept for statistics and proof (organisation-level, not person-level).
FIELDS_KEPT = (
    "organization",
    "source",
    "purpose",
    "legal_basis",
    "channel",
    "collected_month",
    "retention_rule",
)

TECHNIQUES = (
    "suppression",  # direct identifiers deleted, not masked or encrypted
    "generalisation",  # dates coarsened to the month
    "unlinking",  # person row deleted, record given a new random id (old id in the audit log
    # and anywhere else no longer leads to it)
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
