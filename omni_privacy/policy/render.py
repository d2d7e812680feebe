"""The policy as plain data (JSON output, API) and as readable text (``policy show``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omni_privacy.policy.domain.schema import Policy


def policy_as_dict(policy: Policy) -> dict[str, Any]:
    data = asdict(policy)
    data["notice"]["effective"] = policy.notice.effective.isoformat()
    data["retention"] = [asdict(rule) for rule in policy.retention]
    return data


def _period(years: int, days: int) -> str:
    parts = []
    if years:
        parts.append(ngettext("%(n)d year", "%(n)d years", years) % {"n": years})
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    return " + ".join(parts) or _("immediately")


def policy_as_text(policy: Policy, lang: str) -> str:
    """A readable rendering for operators, in French or English."""
    with translation.override(lang):
        return _policy_as_text(policy, lang)


def _policy_as_text(policy: Policy, lang: str) -> str:
    n = policy.notice
    lines = [
        _("%(title)s — %(identifier)s version %(version)d, effective %(effective)s")
        % {
            "title": n.title.get(lang),
            "identifier": n.identifier,
            "version": n.version,
            "effective": n.effective.isoformat(),
        },
        f"{n.organization} — {n.privacy_officer_contact}",
        "",
        "## " + _("Sources and collection conditions"),
    ]
    for source in policy.sources.values():
        fields = ", ".join(policy.fields[f].label.get(lang) for f in source.fields)
        lines += [
            f"- {source.label.get(lang)} [{source.id}] ({source.section})",
            f"    {source.condition_text.get(lang)}",
            "    " + _("Fields: %(list)s") % {"list": fields},
            "    " + _("Channels: %(list)s") % {"list": ", ".join(source.channels)},
            "    " + _("Purposes: %(list)s") % {"list": ", ".join(source.purposes)},
            "    " + _("Legal bases: %(list)s") % {"list": ", ".join(source.legal_bases)},
        ]
        if source.roles:
            roles = ", ".join(policy.roles[r].label.get(lang) for r in source.roles)
            lines.append("    " + _("Roles: %(list)s") % {"list": roles})
    for title, table in ((_("Purposes"), policy.purposes), (_("Legal bases"), policy.legal_bases)):
        lines += ["", f"## {title}"]
        lines += [
            f"- {item.label.get(lang)} [{item.id}] ({item.section})" for item in table.values()
        ]
    lines += ["", "## " + _("Retention")]
    for rule in policy.retention:
        lines += [
            f"- {rule.text.get(lang)} [{rule.id}] ({rule.section})",
            "    "
            + _("%(source)s: %(trigger)s + %(period)s, at most %(delay)s later, %(actions)s")
            % {
                "source": rule.source,
                "trigger": rule.trigger,
                "period": _period(rule.period.years, rule.period.days),
                "delay": _period(0, rule.max_delay_days),
                "actions": " / ".join(rule.actions),
            },
        ]
    return "\n".join(lines) + "\n"


def citation(section: str, language: str) -> str:
    """A clause citation for a reader of ``language``. The policy file cites the notice with
    the English word ("§2.4 scenario 1"); the French notice says « scénario » (issue 14)."""
    return section.replace("scenario", "scénario") if language == "fr" else section
