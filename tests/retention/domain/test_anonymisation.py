"""What anonymising means (retention/domain/anonymisation.py): the register's codes and counts.

Pure: no database.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from omni_privacy.retention.domain import anonymisation
from omni_privacy.retention.domain.anonymisation import by_source_and_purpose, merge_counts

PAIRS = st.lists(
    st.tuples(st.sampled_from(["sales", "customer_service", "administrative"]), st.text(max_size=5))
)


def test_counts_by_source_then_purpose_with_sorted_keys() -> None:
    counts = by_source_and_purpose(
        [
            ("sales", "sales_information"),
            ("customer_service", "service_obligations"),
            ("sales", "sales_information"),
            ("administrative", "order_and_account"),
            ("administrative", "b_purpose"),
        ]
    )
    assert counts == {
        "administrative": {"b_purpose": 1, "order_and_account": 1},
        "customer_service": {"service_obligations": 1},
        "sales": {"sales_information": 2},
    }
    assert list(counts) == ["administrative", "customer_service", "sales"]
    assert list(counts["administrative"]) == ["b_purpose", "order_and_account"]


def test_no_rows_no_counts() -> None:
    assert by_source_and_purpose([]) == {}


def test_merge_adds_nested_counts_in_place() -> None:
    into = {"sales": {"sales_information": 2}}
    merge_counts(into, {"sales": {"sales_information": 1, "x": 4}, "administrative": {"y": 1}})
    assert into == {"sales": {"sales_information": 3, "x": 4}, "administrative": {"y": 1}}


@given(PAIRS, PAIRS)
def test_merging_two_chunks_counts_like_one(first, second) -> None:
    merged = by_source_and_purpose(first)
    merge_counts(merged, by_source_and_purpose(second))
    assert merged == by_source_and_purpose(first + second)
    assert sum(sum(per.values()) for per in merged.values()) == len(first) + len(second)


def test_every_identifier_is_removed_and_nothing_is_both_removed_and_kept() -> None:
    removed = set(anonymisation.FIELDS_REMOVED)
    identifiers = {"full_name", "email", "phone", "preferred_language", "roles", "person"}
    links = {"instance", "public_id"}
    assert identifiers | links <= removed
    assert removed.isdisjoint(anonymisation.FIELDS_KEPT)
    assert removed.isdisjoint(anonymisation.FIELDS_GENERALISED)
    assert set(anonymisation.FIELDS_GENERALISED).isdisjoint(anonymisation.FIELDS_KEPT)


def test_register_codes() -> None:
    assert anonymisation.TECHNIQUES == ("suppression", "generalisation", "unlinking")
    assert anonymisation.SECURITY_MEASURES == (
        "same_transaction",
        "no_identifiers_in_audit",
        "keyed_digest_ledger",
        "access_control",
    )
    assert anonymisation.RISK_ANALYSIS == "very_low_org_level_facts"
