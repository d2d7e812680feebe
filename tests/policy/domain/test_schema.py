"""The policy schema: the shipped notice parses exactly, and every kind of bad file names its key.

Pure: the raw mapping is read with tomllib and edited in memory, no Django and no database.
"""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from collections.abc import Callable
from typing import Any

import pytest

from omni_privacy.policy.domain.schema import Period, PolicyError, parse_policy
from omni_privacy.policy.loader import SHIPPED_POLICY

SHIPPED_RAW: dict[str, Any] = tomllib.loads(SHIPPED_POLICY.read_text(encoding="utf-8"))


def raw() -> dict[str, Any]:
    """A fresh, editable copy of the shipped policy mapping."""
    return copy.deepcopy(SHIPPED_RAW)


SHIPPED = parse_policy(raw())


# --- the shipped policy ------------------------------------------------------------------------


def test_shipped_notice_identity() -> None:
    notice = SHIPPED.notice
    assert (notice.identifier, notice.version, notice.effective) == (
        "QAC-REC-004",
        2,
        dt.date(2024, 2, 8),
    )
    assert notice.title.get("fr") == "Avis de confidentialité WEB"
    assert notice.title.get("en") == "WEB Privacy Notice"
    assert notice.privacy_officer_contact == "info@omni-assistant.net"


def test_shipped_identifiers_are_exactly_the_notices() -> None:
    assert list(SHIPPED.sources) == [
        "software_profile",
        "customer_service",
        "sales",
        "administrative",
    ]
    assert list(SHIPPED.roles) == [
        "system_administrator",
        "update_notice_subscriber",
        "security_incident_contact",
    ]
    assert list(SHIPPED.purposes) == [
        "communication_obligations",
        "service_obligations",
        "sales_information",
        "order_and_account",
    ]
    assert list(SHIPPED.legal_bases) == [
        "consent",
        "contract",
        "legal_obligation",
        "legitimate_interest",
    ]
    assert list(SHIPPED.fields) == ["full_name", "email", "phone", "preferred_language"]


def test_shipped_sources_fields_and_choices() -> None:
    sources = SHIPPED.sources
    assert {ident: source.fields for ident, source in sources.items()} == {
        "software_profile": ("full_name", "email", "preferred_language"),
        "customer_service": ("full_name", "email", "phone", "preferred_language"),
        "sales": ("full_name", "email", "phone", "preferred_language"),
        "administrative": ("full_name", "email", "phone", "preferred_language"),
    }
    assert {ident: source.condition for ident, source in sources.items()} == {
        "software_profile": "profile_role",
        "customer_service": "service_call",
        "sales": "contact_or_purchasing_group",
        "administrative": "contract_process",
    }
    assert {ident: source.purposes for ident, source in sources.items()} == {
        "software_profile": ("communication_obligations", "service_obligations"),
        "customer_service": ("service_obligations",),
        "sales": ("sales_information",),
        "administrative": ("order_and_account",),
    }
    assert {ident: source.legal_bases for ident, source in sources.items()} == {
        "software_profile": ("contract", "legitimate_interest"),
        "customer_service": ("contract",),
        "sales": ("consent", "legitimate_interest"),
        "administrative": ("contract", "legal_obligation"),
    }
    assert {ident: source.channels for ident, source in sources.items()} == {
        "software_profile": ("monthly_sync",),
        "customer_service": ("email", "form", "phone"),
        "sales": ("email", "form", "phone"),
        "administrative": ("email", "form", "phone"),
    }
    assert sources["software_profile"].roles == tuple(SHIPPED.roles)
    assert [source.roles for source in list(sources.values())[1:]] == [(), (), ()]


def test_shipped_retention_rules() -> None:
    rules = [
        (
            rule.id,
            rule.source,
            rule.trigger,
            rule.period,
            rule.max_delay_days,
            rule.actions,
            rule.default_action,
            rule.section,
        )
        for rule in SHIPPED.retention
    ]
    assert rules == [
        (
            "profile_role_removed",
            "software_profile",
            "role_removed",
            Period(0, 0),
            60,
            ("delete",),
            "delete",
            "§4 ¶1",
        ),
        (
            "profile_subscription_not_renewed",
            "software_profile",
            "subscription_not_renewed",
            Period(0, 0),
            60,
            ("delete",),
            "delete",
            "§3 ¶1, §4 ¶2",
        ),
        (
            "service_not_renewed",
            "customer_service",
            "subscription_not_renewed",
            Period(0, 0),
            60,
            ("delete", "anonymize"),
            "anonymize",
            "§4 ¶2",
        ),
        (
            "sales_last_contact",
            "sales",
            "last_contact",
            Period(5, 0),
            60,
            ("delete", "anonymize"),
            "anonymize",
            "§4 ¶3",
        ),
        (
            "sales_erasure_request",
            "sales",
            "erasure_request",
            Period(0, 0),
            60,
            ("delete",),
            "delete",
            "§4 ¶3, §5, §9.1",
        ),
        (
            "administrative_not_renewed",
            "administrative",
            "subscription_not_renewed",
            Period(5, 0),
            60,
            ("delete", "anonymize"),
            "anonymize",
            "§4 ¶4",
        ),
    ]


def test_rules_for_and_rule_lookup() -> None:
    assert [rule.id for rule in SHIPPED.rules_for("sales")] == [
        "sales_last_contact",
        "sales_erasure_request",
    ]
    assert SHIPPED.rule("service_not_renewed").section == "§4 ¶2"
    with pytest.raises(KeyError):
        SHIPPED.rule("no_such_rule")


# --- bad files ---------------------------------------------------------------------------------


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return edit


def _delete(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return edit


def _append(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target: Any = data
        for step in path:
            target = target[step]
        target.append(value)

    return edit


def _drop_rule(rule_id: str) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["retention"] = [rule for rule in data["retention"] if rule["id"] != rule_id]

    return edit


BAD_FILES = [
    # missing keys
    ("missing notice", _delete(("notice",)), "notice"),
    ("missing notice.version", _delete(("notice", "version")), "notice.version"),
    ("missing roles", _delete(("roles",)), "roles"),
    ("missing retention", _delete(("retention",)), "retention"),
    ("missing source fields", _delete(("sources", "sales", "fields")), "sources.sales.fields"),
    (
        "missing profile roles",
        _delete(("sources", "software_profile", "roles")),
        "sources.software_profile.roles",
    ),
    (
        "missing purpose section",
        _delete(("purposes", "sales_information", "section")),
        "purposes.sales_information.section",
    ),
    (
        "missing rule max delay",
        _delete(("retention", 3, "max_delay_days")),
        "retention[3].max_delay_days",
    ),
    ("missing rule period", _delete(("retention", 0, "period")), "retention[0].period"),
    # wrong types
    ("file not a table", None, "(file)"),
    ("version as text", _set(("notice", "version"), "2"), "notice.version"),
    ("version zero", _set(("notice", "version"), 0), "notice.version"),
    ("effective as text", _set(("notice", "effective"), "2024-02-08"), "notice.effective"),
    (
        "effective as datetime",
        _set(("notice", "effective"), dt.datetime(2024, 2, 8, 9, 0)),  # noqa: DTZ001
        "notice.effective",
    ),
    ("empty organization", _set(("notice", "organization"), "  "), "notice.organization"),
    ("source not a table", _set(("sources", "sales"), ["email"]), "sources.sales"),
    ("fields as text", _set(("sources", "sales", "fields"), "email"), "sources.sales.fields"),
    ("empty fields", _set(("sources", "sales", "fields"), []), "sources.sales.fields"),
    ("field not text", _set(("sources", "sales", "fields", 1), 7), "sources.sales.fields[1]"),
    ("roles table empty", _set(("roles",), {}), "roles"),
    ("retention as table", _set(("retention",), {"id": "x"}), "retention"),
    ("rule not a table", _set(("retention", 2), "service"), "retention[2]"),
    ("period not a table", _set(("retention", 0, "period"), 5), "retention[0].period"),
    (
        "period years boolean",
        _set(("retention", 3, "period", "years"), True),
        "retention[3].period.years",
    ),
    (
        "period days negative",
        _set(("retention", 3, "period", "days"), -1),
        "retention[3].period.days",
    ),
    (
        "max delay as text",
        _set(("retention", 1, "max_delay_days"), "60"),
        "retention[1].max_delay_days",
    ),
    # unknown identifiers
    (
        "unknown field table",
        _set(("fields", "fax"), {"label": {"fr": "F", "en": "F"}}),
        "fields.fax",
    ),
    (
        "unknown source field",
        _append(("sources", "sales", "fields"), "fax"),
        "sources.sales.fields[4]",
    ),
    (
        "source field without a label",
        _delete(("fields", "phone")),
        "sources.customer_service.fields[2]",
    ),
    ("missing fields table", _delete(("fields",)), "fields"),
    (
        "duplicate source field",
        _append(("sources", "sales", "fields"), "email"),
        "sources.sales.fields[4]",
    ),
    (
        "unknown role",
        _set(("sources", "software_profile", "roles", 1), "chief_executive"),
        "sources.software_profile.roles[1]",
    ),
    (
        "unknown purpose",
        _set(("sources", "sales", "purposes", 0), "marketing"),
        "sources.sales.purposes[0]",
    ),
    (
        "unknown legal basis",
        _append(("sources", "customer_service", "legal_bases"), "vital_interest"),
        "sources.customer_service.legal_bases[1]",
    ),
    (
        "unknown channel",
        _set(("sources", "administrative", "channels", 2), "fax"),
        "sources.administrative.channels[2]",
    ),
    (
        "unknown condition",
        _set(("sources", "sales", "condition"), "always"),
        "sources.sales.condition",
    ),
    ("unknown trigger", _set(("retention", 2, "trigger"), "whenever"), "retention[2].trigger"),
    ("unknown rule source", _set(("retention", 4, "source"), "marketing"), "retention[4].source"),
    ("unknown action", _set(("retention", 0, "actions"), ["shred"]), "retention[0].actions[0]"),
    (
        "default action not in actions",
        _set(("retention", 0, "default_action"), "anonymize"),
        "retention[0].default_action",
    ),
    # consistency
    (
        "duplicate rule id",
        _set(("retention", 1, "id"), "profile_role_removed"),
        "retention[1].id",
    ),
    ("source without rule", _drop_rule("administrative_not_renewed"), "sources.administrative"),
    # language tables
    (
        "extra language",
        _set(("notice", "title", "de"), "Datenschutzhinweis"),
        "notice.title.de",
    ),
    (
        "missing english",
        _delete(("roles", "system_administrator", "label", "en")),
        "roles.system_administrator.label.en",
    ),
    (
        "empty french",
        _set(("retention", 5, "text", "fr"), ""),
        "retention[5].text.fr",
    ),
    (
        "label not a table",
        _set(("sources", "sales", "label"), "Ventes"),
        "sources.sales.label",
    ),
]


@pytest.mark.parametrize(
    ("edit", "key"),
    [pytest.param(edit, key, id=name) for name, edit, key in BAD_FILES],
)
def test_bad_file_names_its_key(edit: Callable[[dict[str, Any]], None] | None, key: str) -> None:
    data: Any = ["not", "a", "table"]
    if edit is not None:
        data = raw()
        edit(data)
    with pytest.raises(PolicyError) as caught:
        parse_policy(data)
    assert caught.value.key == key
    assert str(caught.value) == f"{key}: {caught.value.message}"


def test_error_messages_say_what_is_wrong() -> None:
    data = raw()
    data["sources"]["sales"]["purposes"][0] = "marketing"
    with pytest.raises(PolicyError) as caught:
        parse_policy(data)
    assert caught.value.message == (
        "unknown 'marketing'; expected one of communication_obligations, order_and_account, "
        "sales_information, service_obligations"
    )

    data = raw()
    data["retention"][1]["id"] = "profile_role_removed"
    with pytest.raises(PolicyError) as caught:
        parse_policy(data)
    assert caught.value.message == "'profile_role_removed' is used twice"

    data = raw()
    data["retention"] = data["retention"][:5]
    with pytest.raises(PolicyError) as caught:
        parse_policy(data)
    assert caught.value.message == "has no retention rule: nothing may be kept forever"


def test_roles_may_be_omitted_outside_profiles() -> None:
    data = raw()
    data["sources"]["sales"].pop("roles", None)
    assert parse_policy(data).sources["sales"].roles == ()


def test_default_action_defaults_to_first_action() -> None:
    data = raw()
    del data["retention"][2]["default_action"]
    assert parse_policy(data).rule("service_not_renewed").default_action == "delete"


# --- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "day", "expected"),
    [
        (Period(5, 0), dt.date(2024, 2, 29), dt.date(2029, 2, 28)),
        (Period(4, 0), dt.date(2024, 2, 29), dt.date(2028, 2, 29)),
        (Period(5, 0), dt.date(2024, 3, 1), dt.date(2029, 3, 1)),
        (Period(5, 0), dt.date(2023, 12, 31), dt.date(2028, 12, 31)),
        (Period(0, 0), dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
        (Period(0, 60), dt.date(2024, 12, 31), dt.date(2025, 3, 1)),
        (Period(1, 1), dt.date(2024, 2, 29), dt.date(2025, 3, 1)),
    ],
)
def test_period_add_to(period: Period, day: dt.date, expected: dt.date) -> None:
    assert period.add_to(day) == expected


def test_a_misspelt_key_in_a_source_or_rule_is_refused_not_ignored():
    raw = tomllib.loads(SHIPPED_POLICY.read_text(encoding="utf-8"))
    raw["retention"][0]["retention_days"] = 30
    with pytest.raises(PolicyError) as caught:
        parse_policy(raw)
    assert caught.value.key == "retention[0].retention_days"

    raw = tomllib.loads(SHIPPED_POLICY.read_text(encoding="utf-8"))
    raw["sources"]["sales"]["feilds"] = ["email"]
    with pytest.raises(PolicyError) as caught:
        parse_policy(raw)
    assert caught.value.key == "sources.sales.feilds"

    raw = tomllib.loads(SHIPPED_POLICY.read_text(encoding="utf-8"))
    raw["sources"]["sales"]["fields"] = ["full_name", "phone"]
    with pytest.raises(PolicyError) as caught:
        parse_policy(raw)
    assert caught.value.key == "sources.sales.fields"
