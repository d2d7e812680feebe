"""The scan's heuristics (issue 17 item 3): by name, by sampled values."""

from __future__ import annotations

import pytest

from omni_privacy.stores.domain.scan import kind_by_name, kind_by_values


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("email", "email"),
        ("contact_email", "email"),
        ("courriel", "email"),
        ("phone", "phone"),
        ("mobile_phone", "phone"),
        ("birth_date", "birth_date"),
        ("date_naissance", "birth_date"),
        ("full_name", "full_name"),
        ("last_name", "full_name"),
        ("preferred_language", "preferred_language"),
        ("street", "postal_address"),
        ("ip_address", "ip_address"),
        ("company_name", None),
        ("customer_id", None),
        ("total_cents", None),
        ("subject", None),
    ],
)
def test_kind_by_name(name: str, kind: str | None) -> None:
    assert kind_by_name(name) == kind


def test_kind_by_values() -> None:
    assert kind_by_values(["a@example.com", "b@example.org", ""]) == ("email", 2)
    assert kind_by_values(["+1 514 555 0100", "(438) 555-0199"]) == ("phone", 2)
    assert kind_by_values(["a@example.com", "hello", "world"]) is None
    assert kind_by_values(["licence", "support"]) is None
    assert kind_by_values([]) is None
