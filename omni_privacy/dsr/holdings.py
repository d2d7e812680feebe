"""What the registry holds about a request's person, as the person may read it (access
report, portability, erasure answers). Labels come from the policy file, in the person's
language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from omni_privacy.policy.domain.schema import Policy, RetentionRule
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.models import Holding, Person
from omni_privacy.retention.people import PersonHolding, person_holdings

LANGUAGES = {
    "fr": pgettext_lazy("preferred language", "French"),
    "en": pgettext_lazy("preferred language", "English"),
}
CHANNELS = {
    "monthly_sync": _("Monthly update from your organisation's Omni-Assistant instance"),
    "email": _("Email"),
    "form": _("Web form"),
    "phone": _("Telephone"),
}


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class ReadableHolding:
    row: PersonHolding
    organization_name: str
    source: str
    purpose: str
    legal_basis: str
    channel: str
    fields: list[Field]
    clause: str
    """The retention clause that applies now (section and text), or every clause of the
    source when none has started yet."""
    ends_on: dt.date | None
    """The last day the clause allows keeping it (its deadline), when known."""
    condition: str = ""
    """While no clause has started: what keeps it (the source's condition, in words)."""
    keeps: str = ""
    """How long it is kept, as a plain sentence built from the policy's rules (trigger,
    period, delay), for when no end date is known yet."""


def readable_holdings(
    *, person: Person | None, as_of: dt.date, language: str
) -> list[ReadableHolding]:
    """The person's live holdings with every fact an access report gives."""
    if person is None:
        return []
    policy = active_policy()
    names = dict(
        Holding.objects.filter(person=person).values_list("public_id", "organization__name")
    )
    result = []
    for row in person_holdings(person=person, as_of=as_of):
        if row.status is None:
            continue  # ended: nothing is held any more
        result.append(
            ReadableHolding(
                row=row,
                organization_name=names.get(row.holding_id, row.organization),
                source=policy.sources[row.source].label.get(language),
                purpose=_label(policy, "purposes", row.purpose, language),
                legal_basis=_label(policy, "legal_bases", row.legal_basis, language),
                channel=_channel(row.channel, language),
                fields=[
                    Field(_label(policy, "fields", name, language), _value(name, value, language))
                    for name, value in row.fields.items()
                ],
                condition=policy.sources[row.source].condition_text.get(language),
                clause=clause_text(policy, row.source, row.rule, language),
                ends_on=row.deadline_at,
                keeps=retention_sentence(policy, row.source, row.rule, language),
            )
        )
    return result


def _value(name: str, value: str, language: str) -> str:
    """A value as a person reads it: a language by its name, not its code."""
    if name == "preferred_language" and value in LANGUAGES:
        with translation.override(language):
            return str(LANGUAGES[value])
    return value


def _channel(channel: str, language: str) -> str:
    with translation.override(language):
        return str(CHANNELS.get(channel, channel))


def _label(policy: Policy, table: str, key: str, language: str) -> str:
    item = getattr(policy, table).get(key)
    return item.label.get(language) if item is not None else key


def clause_text(policy: Policy, source: str, rule_id: str, language: str) -> str:
    if rule_id:
        try:
            rule = policy.rule(rule_id)
        except KeyError:
            rule = None
        if rule is not None:
            return (
                f"{rule.section} : {rule.text.get(language)}"
                if language == "fr"
                else f"{rule.section}: {rule.text.get(language)}"
            )
    rules = policy.rules_for(source)
    sep = " : " if language == "fr" else ": "
    return (
        " ; ".join(f"{rule.section}{sep}{rule.text.get(language)}" for rule in rules)
        if language == "fr"
        else "; ".join(f"{rule.section}{sep}{rule.text.get(language)}" for rule in rules)
    )


_TRIGGERS = {
    "subscription_not_renewed": _("as long as your organisation’s subscription lasts"),
    "role_removed": _("as long as your user profile shows the role it is collected for"),
    "last_contact": _("from your last contact with us"),
    "erasure_request": _("until you ask us to erase it"),
}


def retention_sentence(policy: Policy, source: str, rule_id: str, language: str) -> str:
    """The retention of a holding as a person reads it, from its rule (or the source's
    rules): "As long as your organisation’s subscription lasts, then at most 60 days."."""
    rules: tuple[RetentionRule, ...]
    try:
        rules = (policy.rule(rule_id),) if rule_id else policy.rules_for(source)
    except KeyError:
        rules = policy.rules_for(source)
    with translation.override(language):
        return " ".join(_sentence(rule) for rule in rules)


def _sentence(rule: RetentionRule) -> str:
    start = str(_TRIGGERS.get(rule.trigger, rule.trigger))
    years, days = rule.period.years, rule.period.days
    parts = [start]
    if years:
        parts.append(
            ngettext("then %(n)d more year", "then %(n)d more years", years) % {"n": years}
        )
    if days:
        parts.append(ngettext("then %(n)d more day", "then %(n)d more days", days) % {"n": days})
    parts.append(
        ngettext("then at most %(n)d day", "then at most %(n)d days", rule.max_delay_days)
        % {"n": rule.max_delay_days}
    )
    text = ", ".join(parts)
    return text[:1].upper() + text[1:] + "."
