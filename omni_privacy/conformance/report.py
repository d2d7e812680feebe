"""The live conformance report (issue 16 point 6): for every clause of the notice (§1 to §12),
the checks that prove it today, computed from the data. A clause with no check is listed as
*unchecked*, never hidden.

Each check reads the same selectors as the commands that monitor it (`retention check`,
`sync check`, `dsr check`), so the report and those commands cannot disagree. Words are
said by the interfaces (the codes and parameters are here).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, ngettext_lazy

from omni_privacy.accounts.selectors import privacy_officers
from omni_privacy.core import clock
from omni_privacy.dsr.selectors import request_figures
from omni_privacy.intake.selectors import instance_syncs
from omni_privacy.policy.domain.retention import Status
from omni_privacy.policy.loader import active_policy
from omni_privacy.registers.domain.clocks import OVERDUE
from omni_privacy.registers.models import Disclosure
from omni_privacy.registers.selectors import incident_views
from omni_privacy.registry.models import LIVE_STATES, Holding
from omni_privacy.retention.due import late_holdings
from omni_privacy.stores.models import ExternalStore
from omni_privacy.transfers.domain.rules import may_transfer
from omni_privacy.transfers.selectors import recipient_facts, recipients

# WARN: not (yet) a broken promise, but what the dashboard raises as an alarm (an instance
# registered less than 31 days ago that never synced): shown, not counted as a failure.
PASS, FAIL, WARN, UNCHECKED = "pass", "fail", "warn", "unchecked"
CLAUSES = ("§1", "§2", "§3", "§4", "§5", "§6", "§7", "§8", "§9", "§10", "§11", "§12")
PUBLIC_PAGES = ("home_fr", "home_en", "notice_fr", "notice_en", "rights_fr", "rights_en",
                "information_request_fr", "information_request_en")  # fmt: skip

# Per check: the sentence when it passes, and the one when it fails (its plural chosen by the
# ``count`` parameter). Said by the interfaces in the reader's language.
WORDS: dict[str, tuple[Any, Any]] = {
    "retention_rule": (
        gettext_lazy("no holding under rule %(rule)s is kept past its deadline"),
        ngettext_lazy(
            "%(count)s holding under rule %(rule)s is kept past its deadline",
            "%(count)s holdings under rule %(rule)s are kept past their deadline",
            "count",
        ),
    ),
    "sources_known": (
        gettext_lazy("every holding is of a source the notice names"),
        ngettext_lazy(
            "%(count)s holding is of a source the notice does not name",
            "%(count)s holdings are of a source the notice does not name",
            "count",
        ),
    ),
    "instances_fresh": (
        gettext_lazy("every customer instance was refreshed within 31 days"),
        ngettext_lazy(
            "%(count)s customer instance was not refreshed within 31 days",
            "%(count)s customer instances were not refreshed within 31 days",
            "count",
        ),
    ),
    "instances_never": (
        gettext_lazy("every customer instance has synced at least once"),
        ngettext_lazy(
            "%(count)s customer instance has never synced (registered less than 31 days ago)",
            "%(count)s customer instances have never synced (registered less than 31 days ago)",
            "count",
        ),
    ),
    "requests_on_time": (
        gettext_lazy("no open rights request is past its legal deadline"),
        ngettext_lazy(
            "%(count)s open rights request is past its legal deadline",
            "%(count)s open rights requests are past their legal deadline",
            "count",
        ),
    ),
    "two_officers": (
        gettext_lazy("two privacy officers hold a current written delegation"),
        ngettext_lazy(
            "only %(count)s privacy officer holds a current written delegation",
            "only %(count)s privacy officers hold a current written delegation",
            "count",
        ),
    ),
    "public_no_cookie": (
        gettext_lazy("the public pages set no cookie"),
        ngettext_lazy(
            "%(count)s public page sets a cookie or cannot be read: %(pages)s",
            "%(count)s public pages set a cookie or cannot be read: %(pages)s",
            "count",
        ),
    ),
    "stores_conform": (
        gettext_lazy("no external store holds data the notice does not allow"),
        ngettext_lazy(
            "%(count)s external store holds data the notice does not allow: %(stores)s",
            "%(count)s external stores hold data the notice does not allow: %(stores)s",
            "count",
        ),
    ),
    "disclosures_deferred": (
        gettext_lazy("no disclosure is kept from its person past the end of its deferral"),
        ngettext_lazy(
            "%(count)s disclosure's deferral has ended: tell the person",
            "%(count)s disclosures' deferrals have ended: tell the persons",
            "count",
        ),
    ),
    "incidents_on_time": (
        gettext_lazy("no confidentiality incident is past its notification deadline"),
        ngettext_lazy(
            "%(count)s confidentiality incident is past its notification deadline",
            "%(count)s confidentiality incidents are past their notification deadline",
            "count",
        ),
    ),
    "recipients_current": (
        gettext_lazy(
            "every recipient of personal data has a current, approved assessment and a "
            "written agreement"
        ),
        ngettext_lazy(
            "%(count)s recipient lacks a current, approved assessment or a written agreement "
            "(%(recipients)s): every flow to it is refused",
            "%(count)s recipients lack a current, approved assessment or a written agreement "
            "(%(recipients)s): every flow to them is refused",
            "count",
        ),
    ),
    "unchecked": (
        gettext_lazy("no automatic check yet"),
        gettext_lazy("no automatic check yet"),
    ),
}


@dataclass(frozen=True)
class Check:
    clause: str
    code: str
    outcome: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    as_of: dt.date
    checks: tuple[Check, ...]

    @property
    def failed(self) -> bool:
        return any(check.outcome == FAIL for check in self.checks)

    def by_clause(self) -> dict[str, list[Check]]:
        grouped: dict[str, list[Check]] = {clause: [] for clause in CLAUSES}
        for check in self.checks:
            grouped.setdefault(_top(check.clause), []).append(check)
        return grouped


def _top(clause: str) -> str:
    """``§4 ¶3`` → ``§4``; ``§2.4 scenario 1`` → ``§2``."""
    head = clause.split(maxsplit=1)[0].split(",", maxsplit=1)[0]
    return head.split(".")[0]


def _all_top(clause: str) -> set[str]:
    """Every section a clause names: ``§4 ¶3, §5, §9.1`` → {§4, §5, §9}."""
    return {"§" + match for match in re.findall(r"§(\d+)", clause)}


def _ok(failures: int) -> str:
    return PASS if failures == 0 else FAIL


def _retention(as_of: dt.date) -> list[Check]:
    """§4, §5: no holding kept past its deadline, per rule (a legal hold is not a failure)."""
    late = Counter(
        holding.rule
        for holding in late_holdings(as_of=as_of)
        if holding.status == Status.OVERDUE and not holding.held
    )
    return [
        Check(
            rule.section,
            "retention_rule",
            _ok(late[rule.id]),
            {"rule": rule.id, "count": late[rule.id]},
        )
        for rule in active_policy().retention
    ]


def _sources() -> Check:
    """§2.1: every holding is of a source the notice names."""
    known = set(active_policy().sources)
    unknown = Holding.objects.filter(state__in=LIVE_STATES).exclude(source__in=known).count()
    return Check("§2.1", "sources_known", _ok(unknown), {"count": unknown})


def _instances(as_of: dt.date) -> list[Check]:
    """§2.4: every instance refreshed within 31 days (as `sync check` says); an instance that
    never synced but was registered less than 31 days ago is a warning, as on the dashboard."""
    items = instance_syncs(now=clock.start_of_day(as_of + dt.timedelta(days=1)))
    stale = sum(1 for item in items if item.stale)
    never = sum(1 for item in items if item.history.last_success is None and not item.stale)
    return [
        Check("§2.4", "instances_fresh", _ok(stale), {"count": stale, "of": len(items)}),
        Check("§2.4", "instances_never", WARN if never else PASS, {"count": never}),
    ]


def _requests(as_of: dt.date) -> Check:
    """§9.2: every rights request answered within its legal deadline (as `dsr check` says)."""
    figures = request_figures(today=as_of)
    return Check("§9.2", "requests_on_time", _ok(figures["overdue"]),
                 {"count": figures["overdue"], "open": figures["open"]})  # fmt: skip


def _officers(as_of: dt.date) -> Check:
    """§12: the role is held jointly by two privacy officers with written delegations."""
    count = len(privacy_officers(at=as_of))
    return Check("§12", "two_officers", PASS if count >= 2 else FAIL, {"count": count})


def _disclosures(as_of: dt.date) -> Check:
    """§7: a disclosure kept from its person only while the law allows (its deferral); one
    whose deferral ended is listed in the access report, and the person should be told."""
    ended = Disclosure.objects.filter(notice="deferred", deferred_until__lt=as_of).count()
    return Check("§7", "disclosures_deferred", WARN if ended else PASS, {"count": ended})


def _incidents(as_of: dt.date) -> Check:
    """§8: no open incident past a notification clock (GDPR 72 h; Quebec's internal target).
    A notice sent late is in the register, not a failure of today."""
    end = clock.start_of_day(as_of + dt.timedelta(days=1))
    late = sum(
        1
        for view in incident_views(now=end, open_only=True)
        if view.incident.aware_at < end and any(state == OVERDUE for _, state in view.clocks)
    )
    return Check("§8", "incidents_on_time", _ok(late), {"count": late})


def check_words(check: Check) -> str:
    """The check in the active language."""
    passed, failed = WORDS[check.code]
    params = _worded(check.params)
    if check.outcome not in (FAIL, WARN):
        return str(passed) % params if params else str(passed)
    return str(failed % params)


def _worded(params: dict[str, Any]) -> dict[str, Any]:
    """A retention rule named by its words from the policy file in the reader's language,
    « … », not by its id (the id stays in the stored check and in ``--json``)."""
    if "rule" not in params:
        return params
    rules = {rule.id: rule for rule in active_policy().retention}
    rule = rules.get(str(params["rule"]))
    if rule is None:
        return params
    language = "en" if (translation.get_language() or "").startswith("en") else "fr"
    words = rule.text.get(language)
    quoted = f"“{words}”" if language == "en" else f"« {words} »"
    return {**params, "rule": quoted}


def _public_cookies() -> Check:
    """§2.3: the public pages set no cookie. The application requests its own pages."""
    # The pages activate their own language; the report goes on in the reader's.
    with translation.override(translation.get_language()):
        hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")]
        client = Client(raise_request_exception=False, HTTP_HOST=hosts[0] if hosts else "localhost")
        setting = [
            page
            for page in (reverse(f"portal:{name}") for name in PUBLIC_PAGES)
            if (response := client.get(page)).status_code >= 400 or response.cookies
        ]
    return Check("§2.3", "public_no_cookie", _ok(len(setting)),
                 {"count": len(setting), "pages": ", ".join(setting)})  # fmt: skip


def _stores() -> Check:
    """§2.1 applied to Omni's other databases: no store holds a field its source may not."""
    failing = [
        store.name
        for store in ExternalStore.objects.order_by("name")
        if any(p.get("severity") == "conformance" for p in store.problems or [])
        or (store.scan or {}).get("problems")
    ]
    return Check("§2.1", "stores_conform", _ok(len(failing)),
                 {"count": len(failing), "stores": ", ".join(failing)})  # fmt: skip


def _recipients(as_of: dt.date) -> Check:
    """§6: every organisation that receives personal data from the system (the mail relay,
    stores, mergers' buyers, portability recipients) may receive it today (QC s.17): an
    approved assessment concluding adequate protection, current, and a written agreement."""
    failing = [
        recipient.name
        for recipient in recipients()
        if not may_transfer(recipient_facts(recipient), as_of)
    ]
    # Flows to such a recipient are refused (transfers.services.require_transfer), so the
    # promise holds; the recipient is what the dashboard raises as an alarm: a warning.
    return Check("§6", "recipients_current", WARN if failing else PASS,
                 {"count": len(failing), "recipients": ", ".join(failing)})  # fmt: skip


def conformance_report(*, as_of: dt.date) -> Report:
    checks = [
        _sources(),
        _stores(),
        _public_cookies(),
        *_instances(as_of),
        *_retention(as_of),
        _recipients(as_of),
        _disclosures(as_of),
        _incidents(as_of),
        _requests(as_of),
        _officers(as_of),
    ]
    covered = set().union(*(_all_top(check.clause) for check in checks))
    checks += [Check(clause, "unchecked", UNCHECKED) for clause in CLAUSES if clause not in covered]
    order = {clause: index for index, clause in enumerate(CLAUSES)}
    checks.sort(key=lambda check: order.get(_top(check.clause), 99))
    return Report(as_of=as_of, checks=tuple(checks))
