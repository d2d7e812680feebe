"""Acting on a verified rights request (notice §9.1), one function per right, all behind
`dsr_request_fulfil`. Each run is one transaction: the change to the registry, the request's
new state, its audit events, and the letter (sent after commit).

- access: a readable HTML report of every holding (source, purpose, legal basis, channel,
  dates, values, retention clause and when it ends), in the person's language;
- portability: JSON and CSV of what the person provided, processed on consent or contract;
- rectification: the corrected values applied to every live holding that may hold them;
- erasure: carried out at once wherever no clause requires keeping the data (notice §9.1; the
  evaluator makes it due on the request's day and the retention engine's erasure path,
  ``retention.sweep.apply_chunk``, erases it in the same transaction: ledger, audit,
  anonymisation rules); otherwise the answer names the clause that keeps it and until when,
  never a date past the request's legal due date for what is erased. `erasure_preview` says
  all this before anything is done (the console's confirmation step);
- objection and consent withdrawal: handed over through dsr/consent_bridge.py.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext_lazy

from omni_privacy.accounts.models import User
from omni_privacy.accounts.permissions import require_privacy_officer
from omni_privacy.audit.services import actor_for, audit_record, person_read_record
from omni_privacy.core.bilingual import both
from omni_privacy.core.errors import InvalidInputError, Problem, define, gettext_noop
from omni_privacy.core.pdf import html_to_pdf
from omni_privacy.dsr import consent_bridge, stores_bridge
from omni_privacy.dsr.domain import portability
from omni_privacy.dsr.domain.authorities import AUTHORITIES, PRIVACY_OFFICER, PRIVACY_OFFICER_EMAIL
from omni_privacy.dsr.domain.states import Kind, State
from omni_privacy.dsr.exports import export_store, export_token, link_lifetime
from omni_privacy.dsr.holdings import clause_text, readable_holdings
from omni_privacy.dsr.letters import letter_send
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.dsr.reads import access_lines
from omni_privacy.dsr.services import locked, move
from omni_privacy.policy.domain.collection import (
    CONSENT_BASIS,
    OBJECTABLE_BASIS,
    personal_fields,
    rectifiable_fields,
)
from omni_privacy.policy.domain.holds import covering_hold
from omni_privacy.policy.loader import active_policy
from omni_privacy.registers.selectors import person_disclosures
from omni_privacy.registry.domain.gate import (
    LANGUAGE_INVALID,
    MAX_NAME,
    TOO_LONG,
    normalize_phone,
)
from omni_privacy.registry.models import LIVE_STATES, Holding
from omni_privacy.registry.services import person_erasure_request_record
from omni_privacy.registry.writers import holdings_rectify
from omni_privacy.retention import ledger
from omni_privacy.retention.holds import active_holds, hold_scope
from omni_privacy.retention.sweep import apply_chunk, select_person_due
from omni_privacy.transfers.services import require_transfer


@dataclass
class Result:
    state: State = State.FULFILLED
    lines: list[dict[str, str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    outcome: dict[str, Any] = field(default_factory=dict)


def dsr_request_fulfil(
    *,
    request: RightsRequest,
    user: User,
    now: dt.datetime,
    today: dt.date,
    base_url: str,
    corrections: dict[str, str] | None = None,
) -> RightsRequest:
    """Fulfil a verified request (moving it to in progress first when needed). ``base_url``
    (``https://host``) prefixes the download links; ``corrections`` are a rectification's."""
    require_privacy_officer(user)
    actor = actor_for(user)
    # Omni's other databases first (dsr/stores_bridge.py): each store commits or rolls back on
    # its own, and the request is answered only once every store is done.
    store_lines: list[dict[str, str]] = []
    store_sections: list[stores_bridge.StoreSection] = []
    store_portable: list[dict[str, Any]] = []
    if request.state in (State.VERIFIED, State.IN_PROGRESS):
        if request.kind == Kind.ERASURE:
            store_lines = stores_bridge.erase_in_stores(request, actor=actor)
        elif request.kind == Kind.ACCESS:
            store_sections = stores_bridge.access_in_stores(request, actor=actor)
        elif request.kind == Kind.PORTABILITY:
            store_portable = stores_bridge.portable_in_stores(request, actor=actor)
    with transaction.atomic():
        request = locked(request)
        if request.state == State.VERIFIED:
            move(request, State.IN_PROGRESS, actor=actor, now=now)
        if request.state != State.IN_PROGRESS:
            raise ValueError(f"a request in state {request.state} cannot be fulfilled")
        kind = Kind(request.kind)
        if kind is Kind.ACCESS:
            result = _access(
                request, now=now, today=today, base_url=base_url, stores=store_sections
            )
        elif kind is Kind.PORTABILITY:
            result = _portability(
                request, now=now, today=today, base_url=base_url, stores=store_portable
            )
        elif kind is Kind.RECTIFICATION:
            result = _rectification(request, corrections or {}, actor=actor, today=today)
        elif kind is Kind.ERASURE:
            result = _erasure(request, actor=actor, now=now, today=today)
            if store_lines:
                held_here = bool(result.outcome.get("erased") or result.outcome.get("retained"))
                result.lines = (result.lines if held_here else []) + store_lines
                result.outcome["stores"] = len(store_lines)
        elif kind is Kind.OBJECTION:
            result = _objection(request, actor=actor, now=now, today=today)
        else:
            result = _withdrawal(request, actor=actor, now=now, today=today)
        if kind in (Kind.ACCESS, Kind.PORTABILITY) and request.person is not None:
            # The officer's fulfilment compiles the person's data into an export: a read, for
            # this request (recorded after the report, which lists the reads before it).
            person_read_record(
                user=user,
                person_public_id=request.person.public_id,
                via="export",
                reason=str(request.public_id),
            )
        request.outcome = result.outcome
        move(request, result.state, actor=actor, now=now, outcome=result.outcome)
        letter_send(
            request=request,
            kind="partial" if result.state is State.PARTIALLY_FULFILLED else "fulfilment",
            language=request.language,
            context={
                "links": result.links,
                "links_expire": (now + link_lifetime()).date().isoformat() if result.links else "",
                "lines_fr": [line["fr"] for line in result.lines],
                "lines_en": [line["en"] for line in result.lines],
            },
        )
    return request


def _link(base_url: str, request: RightsRequest, export: Any) -> str:
    name = "portal:dsr_download_fr" if request.language == "fr" else "portal:dsr_download_en"
    return base_url.rstrip("/") + reverse(name, args=[export_token(export)])


def _access(
    request: RightsRequest,
    *,
    now: dt.datetime,
    today: dt.date,
    base_url: str,
    stores: list[stores_bridge.StoreSection] | None = None,
) -> Result:
    holdings = readable_holdings(person=request.person, as_of=today, language=request.language)
    authority = AUTHORITIES[request.jurisdiction]
    with translation.override(request.language):
        html = render_to_string(
            "dsr/access_report.html",
            {
                "language": request.language,
                "reference": request.public_id,
                "as_of": today,
                "holdings": holdings,
                "officer": PRIVACY_OFFICER[request.language],
                "officer_email": PRIVACY_OFFICER_EMAIL,
                "authority": authority.name(request.language),
                "complain_to": authority.complain_to(request.language),
                "authority_url": authority.url,
                "stores": stores or [],
                "stores_hold": any(section.tables for section in stores or []),
                "reads": access_lines(request.person.public_id) if request.person else [],
                # Notice §7: the disclosures about the person the law lets them see.
                "disclosures": person_disclosures(request.person, today=today),
            },
        )
    exports = [
        export_store(request=request, kind="html", content=html, now=now),
        export_store(
            request=request,
            kind="pdf",
            content=base64.b64encode(html_to_pdf(html)).decode("ascii"),
            now=now,
        ),
    ]
    return Result(
        links=[_link(base_url, request, export) for export in exports],
        outcome={"holdings": len(holdings), "exports": [str(e.public_id) for e in exports]},
    )


def _portable_rows(request: RightsRequest, today: dt.date) -> list[dict[str, str | None]]:
    holdings = readable_holdings(person=request.person, as_of=today, language=request.language)
    rows = []
    for item in holdings:
        row = item.row
        if not portability.portable(legal_basis=row.legal_basis, channel=row.channel):
            continue
        rows.append(
            {
                "source": row.source,
                "organization": item.organization_name,
                "purpose": row.purpose,
                "legal_basis": row.legal_basis,
                "channel": row.channel,
                "collected_at": row.collected_at.isoformat(),
                **{name: row.fields.get(name) for name in personal_fields(active_policy())},
            }
        )
    return rows


def _portability(
    request: RightsRequest,
    *,
    now: dt.datetime,
    today: dt.date,
    base_url: str,
    stores: list[dict[str, Any]] | None = None,
) -> Result:
    rows = _portable_rows(request, today)
    tables = stores or []
    exports = [
        export_store(
            request=request, kind="json", content=portability.as_json(rows, tables), now=now
        ),
        export_store(
            request=request, kind="csv", content=portability.as_csv(rows, tables), now=now
        ),
    ]
    outcome: dict[str, Any] = {
        "holdings": len(rows),
        "exports": [str(export.public_id) for export in exports],
    }
    if tables:
        outcome["store_rows"] = sum(len(table["rows"]) for table in tables)
    return Result(links=[_link(base_url, request, export) for export in exports], outcome=outcome)


NOT_RECTIFIABLE = define("dsr.not_rectifiable", gettext_noop("cannot be rectified here"))
NO_CORRECTION = define("dsr.no_correction", gettext_noop("give at least one corrected value"))

# The erasure letter's lines, one a holding (core/bilingual.py: French and English from the
# catalogue). %(label)s is the source's label from the policy, %(clause)s its retention clause.
HELD_UNTIL = gettext_noop(
    "%(label)s: kept because of a legal obligation (a claim or an authority’s request; QC "
    "s.28, GDPR 17(3)), until %(until)s"
)
HELD_UNTIL_LIFTED = gettext_noop(
    "%(label)s: kept because of a legal obligation (a claim or an authority’s request; QC "
    "s.28, GDPR 17(3)), until it is lifted"
)
ERASED_ON = gettext_noop("%(label)s: erased on %(day)s")
KEPT_UNTIL = gettext_noop("%(label)s: kept under clause %(clause)s (until %(until)s)")
KEPT_WHILE = gettext_noop("%(label)s: kept under clause %(clause)s (while the condition lasts)")


def check_corrections(corrections: dict[str, str]) -> dict[str, str]:
    """The corrections, normalised, or InvalidInputError naming each bad field."""
    clean: dict[str, str] = {}
    errors = []
    rectifiable = rectifiable_fields(active_policy())
    for name, raw in corrections.items():
        value = " ".join(str(raw).split())
        if not value:
            continue
        if name not in rectifiable:
            errors.append(Problem(NOT_RECTIFIABLE, field=name))
        elif name == "phone":
            try:
                clean[name] = normalize_phone(value)
            except ValueError as exc:
                errors.append(Problem(str(exc), field=name))  # the gate's code
        elif name == "preferred_language" and value not in ("fr", "en"):
            errors.append(Problem(LANGUAGE_INVALID, field=name))
        elif name == "full_name" and len(value) > MAX_NAME:
            errors.append(Problem(TOO_LONG, {"limit": MAX_NAME}, field=name))
        else:
            clean[name] = value
    if not clean and not errors:
        errors.append(Problem(NO_CORRECTION, field="corrections"))
    if errors:
        raise InvalidInputError(errors)
    return clean


def _rectification(
    request: RightsRequest, corrections: dict[str, str], *, actor: str, today: dt.date
) -> Result:
    clean = check_corrections(corrections)
    changed = 0
    if request.person is not None:
        changed = holdings_rectify(
            actor=actor,
            person=request.person,
            values=clean,
            rights_request=str(request.public_id),
            on=today,
        )
    return Result(
        lines=[
            both(
                ngettext_lazy(
                    "Information corrected in %(count)s record.",
                    "Information corrected in %(count)s records.",
                    "count",
                ),
                count=changed,
            )
        ],
        outcome={"fields": sorted(clean), "holdings": changed},
    )


@dataclass(frozen=True)
class ErasurePlanItem:
    holding: Holding
    erase: bool
    clause: str
    """Why it is kept: a legal hold, or the retention clause (empty when erased)."""
    until: dt.date | None
    lines: dict[str, str]


def _erasure_plan(person: Any, *, today: dt.date) -> list[ErasurePlanItem]:
    """What an erasure request does to each live holding of ``person`` on ``today``, once the
    request is recorded (the evaluator makes erasable holdings due that day)."""
    policy = active_policy()
    holds = list(active_holds(as_of=today))
    plan = []
    for holding in Holding.objects.filter(person=person, state__in=LIVE_STATES).select_related(
        "organization"
    ):
        label = {lang: policy.sources[holding.source].label.get(lang) for lang in ("fr", "en")}
        hold = covering_hold(holds, organization_id=holding.organization_id, person_id=person.pk)
        if hold is not None:
            until = hold.until.isoformat() if hold.until else ""
            plan.append(
                ErasurePlanItem(
                    holding=holding,
                    erase=False,
                    clause="legal_hold",
                    until=hold.until,
                    lines=(
                        both(HELD_UNTIL, label=label, until=until)
                        if until
                        else both(HELD_UNTIL_LIFTED, label=label)
                    ),
                )
            )
        elif holding.due_at is not None and holding.due_at <= today:
            plan.append(
                ErasurePlanItem(
                    holding=holding,
                    erase=True,
                    clause="",
                    until=None,
                    lines=both(ERASED_ON, label=label, day=today.isoformat()),
                )
            )
        else:
            until = holding.due_at.isoformat() if holding.due_at else ""
            clause = {
                lang: clause_text(policy, holding.source, holding.retention_rule, lang)
                for lang in ("fr", "en")
            }
            plan.append(
                ErasurePlanItem(
                    holding=holding,
                    erase=False,
                    clause=holding.retention_rule or holding.source,
                    until=holding.due_at,
                    lines=(
                        both(KEPT_UNTIL, label=label, clause=clause, until=until)
                        if until
                        else both(KEPT_WHILE, label=label, clause=clause)
                    ),
                )
            )
    return plan


def erasure_preview(*, request: RightsRequest, today: dt.date) -> list[ErasurePlanItem]:
    """What fulfilling the erasure request would erase and keep, without changing anything
    (the request's effect on due dates is computed in a transaction rolled back)."""
    if request.person is None:
        return []
    with transaction.atomic():
        person_erasure_request_record(actor="system", person=request.person, requested_on=today)
        plan = _erasure_plan(request.person, today=today)
        transaction.set_rollback(True)  # a preview: nothing recorded, nothing changed
    return plan


def _erasure(request: RightsRequest, *, actor: str, now: dt.datetime, today: dt.date) -> Result:
    person = request.person
    if person is None:
        return Result(
            lines=[both(gettext_noop("We hold no information about you."))],
            outcome={"erased": [], "retained": []},
        )
    person_erasure_request_record(actor=actor, person=person, requested_on=today)
    plan = _erasure_plan(person, today=today)
    lines = [item.lines for item in plan]
    retained = [
        {
            "holding": str(item.holding.public_id),
            "clause": item.clause,
            "until": item.until.isoformat() if item.until else None,
        }
        for item in plan
        if not item.erase
    ]
    # Carried out now, through the retention engine's erasure path (ledger, audit,
    # anonymisation rules), in this transaction: the answer says "erased", and it is.
    holds, _ids = hold_scope(as_of=today)
    rows = select_person_due(person_id=person.pk, as_of=today, holds=holds)
    planned = {item.holding.pk for item in plan if item.erase}
    rows = [row for row in rows if row.id in planned]
    chunk = apply_chunk(
        rows,
        run_id=request.public_id,
        actor=actor,
        as_of=today,
        now=now,
        audit_action="retention.erasure_request.chunk",
    )
    if chunk.ledger_lines:
        transaction.on_commit(lambda: ledger.mark_committed([chunk.chunk]))
    if chunk.people_erased:  # nothing left about them: the request no longer points to them
        request.person = None
    erased = [{"holding": str(row.public_id), "erased_on": today.isoformat()} for row in rows]
    state = State.FULFILLED if not retained else State.PARTIALLY_FULFILLED
    return Result(state=state, lines=lines, outcome={"erased": erased, "retained": retained})


def _person_purposes(request: RightsRequest, basis: str) -> list[str]:
    if request.person is None:
        return []
    return sorted(
        set(
            Holding.objects.filter(
                person=request.person, state__in=LIVE_STATES, legal_basis=basis
            ).values_list("purpose", flat=True)
        )
    )


def _objection(request: RightsRequest, *, actor: str, now: dt.datetime, today: dt.date) -> Result:  # noqa: ARG001
    scopes = (
        ["direct_marketing"]
        if request.direct_marketing
        else _person_purposes(request, OBJECTABLE_BASIS) or ["direct_marketing"]
    )
    consent_bridge.record_objection(request=request, scopes=scopes, at=now, actor=actor)
    return Result(
        lines=[
            both(
                gettext_noop(
                    "Your objection is recorded: your information will no longer be used "
                    "for these purposes."
                )
            )
        ],
        outcome={"scopes": scopes},
    )


def _withdrawal(request: RightsRequest, *, actor: str, now: dt.datetime, today: dt.date) -> Result:  # noqa: ARG001
    scopes = _person_purposes(request, CONSENT_BASIS) or ["all"]
    consent_bridge.record_withdrawal(request=request, scopes=scopes, at=now, actor=actor)
    return Result(
        lines=[both(gettext_noop("The withdrawal of your consent is recorded."))],
        outcome={"scopes": scopes},
    )


def dsr_portability_transfer(*, request: RightsRequest, user: User, recipient_key: str) -> None:
    """QC s.27, GDPR 20: the portability export sent to a third party the person named. That
    party is a recipient of the transfers register: refused (and an alarm) without its current
    assessment and agreement (notice §6, transfers/services.py)."""
    require_privacy_officer(user)
    actor = actor_for(user)
    if request.kind != Kind.PORTABILITY or request.state != State.FULFILLED:
        raise ValueError("only a fulfilled portability request is transferred")
    require_transfer(kind="portability", recipient_key=recipient_key, actor=actor)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="dsr.portability_transferred",
            object_type="rights_request",
            object_id=str(request.public_id),
            payload={"recipient": recipient_key, "exports": request.outcome.get("exports", [])},
        )
