"""The records of processing list each source x purpose of the policy, and the usage data and
authentication cookies as what they are. No database."""

from __future__ import annotations

from omni_privacy.registers.domain.ropa import records_of_processing


def test_every_source_and_purpose_of_the_policy_is_an_activity(policy) -> None:
    rows = records_of_processing(policy, language="en")
    pairs = {(row.source, row.purpose) for row in rows}
    expected = {(s.id, p) for s in policy.sources.values() for p in s.purposes}
    assert expected <= pairs
    assert pairs - expected == {
        ("usage_data", "diagnostics"),
        ("authentication_cookies", "session"),
    }
    profile = next(r for r in rows if r.source == "software_profile")
    assert "System administrator" in profile.persons
    assert "Email address" in profile.data
    assert any("§4 ¶1" in rule for rule in profile.retention)
    assert profile.legal_bases == ("Performance of a contract", "Legitimate interests")
    assert profile.security


def test_french_and_recipients(policy) -> None:
    rows = records_of_processing(
        policy, language="fr", recipients={"sales": [("Relais de courriel", "Mail relay")]}
    )
    sales = next(r for r in rows if r.source == "sales")
    assert sales.name == "Ventes"
    assert sales.recipients[-1] == "Relais de courriel"
    cookies = next(r for r in rows if r.source == "authentication_cookies")
    assert cookies.section == "§2.3"
    assert "instance du client" in cookies.recipients[0]
