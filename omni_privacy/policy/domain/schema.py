"""The notice as typed values: what the policy file means once validated.

Pure: no Django. `parse_policy` turns the raw TOML mapping into a `Policy` or raises
`PolicyError` naming the first bad key as a dotted path (``sources.sales.fields[2]``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# Identifiers the code knows how to enforce. A policy may narrow them, never invent new ones:
# a condition or trigger the gate and evaluator cannot check would be a promise nobody keeps.
KNOWN_FIELDS = ("full_name", "email", "phone", "preferred_language")
KNOWN_CONDITIONS = (
    "profile_role",
    "service_call",
    "contact_or_purchasing_group",
    "contract_process",
)
KNOWN_TRIGGERS = ("role_removed", "subscription_not_renewed", "last_contact", "erasure_request")
KNOWN_ACTIONS = ("delete", "anonymize")
KNOWN_CHANNELS = ("monthly_sync", "email", "form", "phone")
LANGUAGES = ("fr", "en")


class PolicyError(ValueError):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


@dataclass(frozen=True)
class Text:
    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True)
class Notice:
    identifier: str
    version: int
    effective: dt.date
    title: Text
    organization: str
    privacy_officer_contact: str


@dataclass(frozen=True)
class Labelled:
    id: str
    label: Text
    section: str = ""


@dataclass(frozen=True)
class Source:
    id: str
    section: str
    label: Text
    fields: tuple[str, ...]
    condition: str
    condition_text: Text
    roles: tuple[str, ...]
    channels: tuple[str, ...]
    purposes: tuple[str, ...]
    legal_bases: tuple[str, ...]


@dataclass(frozen=True)
class Period:
    years: int
    days: int

    def add_to(self, day: dt.date) -> dt.date:
        """``day`` plus this period; 29 February plus whole years lands on 28 February."""
        year = day.year + self.years
        try:
            shifted = day.replace(year=year)
        except ValueError:
            shifted = day.replace(year=year, day=28)
        return shifted + dt.timedelta(days=self.days)


@dataclass(frozen=True)
class RetentionRule:
    id: str
    source: str
    trigger: str
    period: Period
    max_delay_days: int
    actions: tuple[str, ...]
    default_action: str
    section: str
    text: Text


@dataclass(frozen=True)
class Policy:
    notice: Notice
    fields: dict[str, Labelled]
    roles: dict[str, Labelled]
    purposes: dict[str, Labelled]
    legal_bases: dict[str, Labelled]
    sources: dict[str, Source]
    retention: tuple[RetentionRule, ...]

    def rules_for(self, source: str) -> tuple[RetentionRule, ...]:
        return tuple(rule for rule in self.retention if rule.source == source)

    def rule(self, rule_id: str) -> RetentionRule:
        for rule in self.retention:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


# --- parsing -------------------------------------------------------------------------------


def _table(raw: Any, key: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise PolicyError(key, "must be a table")
    return raw


def _only_keys(body: dict[str, Any], path: str, allowed: set[str]) -> None:
    """Refuse unknown keys: a misspelt key (``retention_days``) must not be silently ignored."""
    for key in body:
        if key not in allowed:
            raise PolicyError(
                f"{path}.{key}", f"unknown key; expected one of {', '.join(sorted(allowed))}"
            )


SOURCE_KEYS = {
    "section",
    "label",
    "fields",
    "condition",
    "condition_text",
    "roles",
    "channels",
    "purposes",
    "legal_bases",
}
RULE_KEYS = {
    "id",
    "source",
    "trigger",
    "period",
    "max_delay_days",
    "actions",
    "default_action",
    "section",
    "text",
}


def _get(table: dict[str, Any], key: str, path: str) -> Any:
    if key not in table:
        raise PolicyError(f"{path}.{key}" if path else key, "is required")
    return table[key]


def _str(table: dict[str, Any], key: str, path: str) -> str:
    value = _get(table, key, path)
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(f"{path}.{key}", "must be a non-empty string")
    return value


def _int(table: dict[str, Any], key: str, path: str, *, minimum: int = 0) -> int:
    value = _get(table, key, path)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise PolicyError(f"{path}.{key}", f"must be a whole number ≥ {minimum}")
    return value


def _text(table: dict[str, Any], key: str, path: str) -> Text:
    raw = _table(_get(table, key, path), f"{path}.{key}")
    for lang in LANGUAGES:
        _str(raw, lang, f"{path}.{key}")
    extra = set(raw) - set(LANGUAGES)
    if extra:
        raise PolicyError(f"{path}.{key}.{sorted(extra)[0]}", "only fr and en are allowed")
    return Text(fr=raw["fr"], en=raw["en"])


def _ids(
    table: dict[str, Any],
    key: str,
    path: str,
    allowed: tuple[str, ...] | set[str],
    *,
    required: bool = True,
) -> tuple[str, ...]:
    if key not in table and not required:
        return ()
    value = _get(table, key, path)
    if not isinstance(value, list) or (required and not value):
        raise PolicyError(f"{path}.{key}", "must be a non-empty list")
    seen: list[str] = []
    for index, item in enumerate(value):
        where = f"{path}.{key}[{index}]"
        if not isinstance(item, str):
            raise PolicyError(where, "must be a string")
        if item not in allowed:
            raise PolicyError(
                where, f"unknown {item!r}; expected one of {', '.join(sorted(allowed))}"
            )
        if item in seen:
            raise PolicyError(where, f"{item!r} is listed twice")
        seen.append(item)
    return tuple(seen)


def _labelled_table(
    raw: dict[str, Any],
    key: str,
    *,
    known: tuple[str, ...] | None = None,
    with_section: bool = False,
) -> dict[str, Labelled]:
    table = _table(_get(raw, key, ""), key)
    if not table:
        raise PolicyError(key, "must define at least one entry")
    result = {}
    for ident, raw_body in table.items():
        path = f"{key}.{ident}"
        if known is not None and ident not in known:
            raise PolicyError(path, f"unknown; expected one of {', '.join(known)}")
        body = _table(raw_body, path)
        section = _str(body, "section", path) if with_section else ""
        result[ident] = Labelled(id=ident, label=_text(body, "label", path), section=section)
    return result


def _notice(raw: dict[str, Any]) -> Notice:
    table = _table(_get(raw, "notice", ""), "notice")
    effective = _get(table, "effective", "notice")
    if not isinstance(effective, dt.date) or isinstance(effective, dt.datetime):
        raise PolicyError("notice.effective", "must be a date (YYYY-MM-DD)")
    return Notice(
        identifier=_str(table, "identifier", "notice"),
        version=_int(table, "version", "notice", minimum=1),
        effective=effective,
        title=_text(table, "title", "notice"),
        organization=_str(table, "organization", "notice"),
        privacy_officer_contact=_str(table, "privacy_officer_contact", "notice"),
    )


def _sources(
    raw: dict[str, Any],
    *,
    fields: set[str],
    roles: set[str],
    purposes: set[str],
    bases: set[str],
) -> dict[str, Source]:
    table = _table(_get(raw, "sources", ""), "sources")
    if not table:
        raise PolicyError("sources", "must define at least one source")
    result = {}
    for ident, raw_body in table.items():
        path = f"sources.{ident}"
        body = _table(raw_body, path)
        _only_keys(body, path, SOURCE_KEYS)
        condition = _str(body, "condition", path)
        if condition not in KNOWN_CONDITIONS:
            raise PolicyError(
                f"{path}.condition",
                f"unknown {condition!r}; expected one of {', '.join(KNOWN_CONDITIONS)}",
            )
        source_roles = _ids(body, "roles", path, roles, required=condition == "profile_role")
        source_fields = _ids(body, "fields", path, fields)
        if "email" not in source_fields:
            # The email finds the person again (and answers their requests): always held.
            raise PolicyError(f"{path}.fields", "must include email")
        result[ident] = Source(
            id=ident,
            section=_str(body, "section", path),
            label=_text(body, "label", path),
            fields=source_fields,
            condition=condition,
            condition_text=_text(body, "condition_text", path),
            roles=source_roles,
            channels=_ids(body, "channels", path, KNOWN_CHANNELS),
            purposes=_ids(body, "purposes", path, purposes),
            legal_bases=_ids(body, "legal_bases", path, bases),
        )
    return result


def _retention(raw: dict[str, Any], sources: dict[str, Source]) -> tuple[RetentionRule, ...]:
    rules_raw = _get(raw, "retention", "")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise PolicyError("retention", "must be a non-empty list of [[retention]] tables")
    rules: list[RetentionRule] = []
    for index, raw_body in enumerate(rules_raw):
        path = f"retention[{index}]"
        body = _table(raw_body, path)
        _only_keys(body, path, RULE_KEYS)
        ident = _str(body, "id", path)
        if any(rule.id == ident for rule in rules):
            raise PolicyError(f"{path}.id", f"{ident!r} is used twice")
        source = _str(body, "source", path)
        if source not in sources:
            raise PolicyError(f"{path}.source", f"unknown source {source!r}")
        trigger = _str(body, "trigger", path)
        if trigger not in KNOWN_TRIGGERS:
            raise PolicyError(
                f"{path}.trigger",
                f"unknown {trigger!r}; expected one of {', '.join(KNOWN_TRIGGERS)}",
            )
        period_raw = _table(_get(body, "period", path), f"{path}.period")
        period = Period(
            years=_int(period_raw, "years", f"{path}.period"),
            days=_int(period_raw, "days", f"{path}.period"),
        )
        actions = _ids(body, "actions", path, KNOWN_ACTIONS)
        default_action = body.get("default_action", actions[0])
        if default_action not in actions:
            raise PolicyError(f"{path}.default_action", "must be one of this rule's actions")
        rules.append(
            RetentionRule(
                id=ident,
                source=source,
                trigger=trigger,
                period=period,
                max_delay_days=_int(body, "max_delay_days", path),
                actions=actions,
                default_action=default_action,
                section=_str(body, "section", path),
                text=_text(body, "text", path),
            )
        )
    uncovered = [source for source in sources if not any(r.source == source for r in rules)]
    if uncovered:
        raise PolicyError(
            f"sources.{uncovered[0]}", "has no retention rule: nothing may be kept forever"
        )
    return tuple(rules)


def parse_policy(raw: Any) -> Policy:
    """Validate the raw mapping read from a policy file and return the typed policy."""
    raw = _table(raw, "(file)")
    # A source may only list fields the policy labels (the notice rendering names each one).
    fields = _labelled_table(raw, "fields", known=KNOWN_FIELDS)
    roles = _labelled_table(raw, "roles")
    purposes = _labelled_table(raw, "purposes", with_section=True)
    bases = _labelled_table(raw, "legal_bases", with_section=True)
    sources = _sources(
        raw, fields=set(fields), roles=set(roles), purposes=set(purposes), bases=set(bases)
    )
    return Policy(
        notice=_notice(raw),
        fields=fields,
        roles=roles,
        purposes=purposes,
        legal_bases=bases,
        sources=sources,
        retention=_retention(raw, sources),
    )
