"""How the console names things: policy labels in the reader's language, and the words for
states, channels, actions and retention statuses (notice §2.4, §4, §5).

Pure presentation: no queries. Every value here is either a policy label (already FR/EN in the
policy file) or a translatable string.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from omni_privacy.policy.domain.retention import Status, status_on
from omni_privacy.policy.domain.schema import Policy
from omni_privacy.registry.models import Holding

# The retention engine's codes have one set of words, shared with the CLI.
from omni_privacy.retention.labels import ACTION_LABELS, STATUS_LABELS

STATE_LABELS = {
    "active": _("Active"),
    "pending_deletion": _("Pending deletion"),
    "deleted": _("Deleted"),
    "anonymized": _("Anonymized"),
}

CHANNEL_LABELS = {
    "monthly_sync": _("Monthly sync"),
    "email": _("Email"),
    "form": _("Form"),
    "phone": _("Telephone"),
}


def current_language() -> str:
    """``en`` or ``fr`` (French is the default, as in the notice)."""
    return "en" if (get_language() or "").startswith("en") else "fr"


def clause_of(holding: Holding, policy: Policy) -> str:
    """The notice section of the holding's retention rule; while no rule has been triggered,
    the sections of every rule of its source (one of them will apply)."""
    if holding.retention_rule:
        try:
            return policy.rule(holding.retention_rule).section
        except KeyError:
            return ""
    sections: list[str] = []
    for rule in policy.rules_for(holding.source):
        if rule.section not in sections:
            sections.append(rule.section)
    return " · ".join(sections)


@dataclass(frozen=True)
class FieldValue:
    label: str
    value: str


@dataclass(frozen=True)
class HoldingView:
    """One holding as the console shows it (labels resolved, status computed)."""

    holding: Holding
    source: str
    purpose: str
    legal_basis: str
    channel: str
    state: str
    clause: str
    rule_text: str
    action: str
    status: Status
    status_label: str
    fields: tuple[FieldValue, ...]


def _label(table: dict, ident: str, lang: str) -> str:
    item = table.get(ident)
    return item.label.get(lang) if item is not None else ident


def policy_label(table: dict, ident: str) -> str:
    """A policy label (source, purpose, field...) in the reader's language; the id if unknown."""
    return _label(table, ident, current_language())


# Language names are written in their own language, whatever the reader's.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def _value(holding: Holding, name: str) -> str:
    value = str(getattr(holding, name))
    if name == "preferred_language":
        return LANGUAGE_NAMES.get(value, value)
    return value


def holding_view(holding: Holding, policy: Policy, *, as_of: dt.date) -> HoldingView:
    lang = current_language()
    status = status_on(holding.due_at, holding.deadline_at, as_of)
    rule_text = ""
    if holding.retention_rule:
        try:
            rule_text = policy.rule(holding.retention_rule).text.get(lang)
        except KeyError:
            rule_text = ""
    fields = tuple(
        FieldValue(label=_label(policy.fields, name, lang), value=_value(holding, name))
        for name in holding.held_fields
    )
    return HoldingView(
        holding=holding,
        source=_label(policy.sources, holding.source, lang),
        purpose=_label(policy.purposes, holding.purpose, lang),
        legal_basis=_label(policy.legal_bases, holding.legal_basis, lang),
        channel=str(CHANNEL_LABELS.get(holding.channel, holding.channel)),
        state=str(STATE_LABELS.get(holding.state, holding.state)),
        clause=clause_of(holding, policy),
        rule_text=rule_text,
        action=str(ACTION_LABELS.get(holding.retention_action, "")),
        status=status,
        status_label=str(STATUS_LABELS[status]),
        fields=fields,
    )


@dataclass(frozen=True)
class RegistryRow:
    """One line of the registry's table: only what the table shows, as text (the registry
    renders 50 of these a page; each template lookup, filter, ``{% url %}`` and include cost
    more than building the row here, docs/benchmarks.md)."""

    holding: Holding
    name: str
    url: str
    organization: str
    source: str
    purpose: str
    legal_basis: str
    clause: str
    state: str
    due: str
    deadline: str
    status: Status
    status_label: str


def registry_rows(
    holdings: list[Holding], policy: Policy, *, as_of: dt.date, person_url: str
) -> list[RegistryRow]:
    """The table's lines; ``person_url`` is a person page's address with ``{}`` for the
    person's public id. Labels are looked up once per distinct code."""
    lang = current_language()
    no_name = str(_("(name not held)"))
    words: dict[tuple[str, str], str] = {}

    def word(kind: str, code: str) -> str:
        known = words.get((kind, code))
        if known is None:
            if kind == "state":
                known = str(STATE_LABELS.get(code, code))
            elif kind == "status":
                known = str(STATUS_LABELS[Status(code)])
            else:
                known = _label(getattr(policy, kind), code, lang)
            words[(kind, code)] = known
        return known

    rows = []
    for holding in holdings:
        status = status_on(holding.due_at, holding.deadline_at, as_of)
        person = holding.person
        rows.append(
            RegistryRow(
                holding=holding,
                name=holding.full_name or no_name,
                url=person_url.format(person.public_id) if person is not None else "",
                organization=holding.organization.name,
                source=word("sources", holding.source),
                purpose=word("purposes", holding.purpose),
                legal_basis=word("legal_bases", holding.legal_basis),
                clause=clause_of(holding, policy),
                state=word("state", holding.state),
                due=holding.due_at.isoformat() if holding.due_at else "",
                deadline=holding.deadline_at.isoformat() if holding.deadline_at else "",
                status=status,
                status_label=word("status", status),
            )
        )
    return rows
