"""What a new holding carries (policy/domain/collection.py): read from the policy file, so
that a source, purpose, basis or field is named there and nowhere else."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import pytest

from omni_privacy.policy.domain.collection import (
    contact_source,
    personal_fields,
    purpose_and_basis,
    recorded_sources,
    rectifiable_fields,
    sync_source,
    synced_only,
)
from omni_privacy.policy.domain.schema import Policy, parse_policy
from omni_privacy.policy.loader import SHIPPED_POLICY

RAW: dict[str, Any] = tomllib.loads(SHIPPED_POLICY.read_text(encoding="utf-8"))
SHIPPED = parse_policy(RAW)


def _policy(change: Any) -> Policy:
    raw = copy.deepcopy(RAW)
    change(raw)
    return parse_policy(raw)


def test_the_shipped_policy_pairs_each_source_with_its_purpose_and_basis() -> None:
    assert {source: purpose_and_basis(SHIPPED, source) for source in SHIPPED.sources} == {
        "software_profile": ("communication_obligations", "contract"),
        "customer_service": ("service_obligations", "contract"),
        "sales": ("sales_information", "consent"),
        "administrative": ("order_and_account", "contract"),
    }


def test_the_purpose_and_basis_are_the_policy_files_first_listed() -> None:
    def swap(raw: dict[str, Any]) -> None:
        raw["sources"]["sales"]["legal_bases"] = ["legitimate_interest", "consent"]

    assert purpose_and_basis(_policy(swap), "sales") == ("sales_information", "legitimate_interest")


def test_the_sync_collects_the_one_source_that_arrives_only_by_it() -> None:
    assert sync_source(SHIPPED) == "software_profile"
    assert synced_only(SHIPPED, "software_profile")
    assert not synced_only(SHIPPED, "sales")
    assert recorded_sources(SHIPPED) == ("customer_service", "sales", "administrative")


def test_a_policy_with_two_synced_sources_is_refused() -> None:
    def two(raw: dict[str, Any]) -> None:
        raw["sources"]["administrative"]["channels"] = ["monthly_sync"]

    policy = _policy(two)
    assert recorded_sources(policy) == ("customer_service", "sales")
    with pytest.raises(ValueError, match="exactly one source"):
        sync_source(policy)


def test_someone_who_writes_to_us_is_a_sales_contact() -> None:
    assert contact_source(SHIPPED) == "sales"


def test_personal_fields_come_from_the_policy_file() -> None:
    assert personal_fields(SHIPPED) == ("full_name", "email", "phone", "preferred_language")
    assert personal_fields(SHIPPED, "software_profile") == (
        "full_name",
        "email",
        "preferred_language",
    )
    assert rectifiable_fields(SHIPPED) == ("full_name", "phone", "preferred_language")
