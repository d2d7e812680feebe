"""Import organisations and holdings from a JSON Lines file (format: docs/import-format.md).

All or nothing (STYLE: "bad input gets a clear error naming the line or field, and nothing
half-written"): every line is checked first, the collection gate included (notice §2.1), with
each organisation's facts as they will be once the file's organisation lines apply. If any
line is refused, every refusal is a coded problem with its line and field (said ``line N:
field: message`` in the reader's language) and nothing is written.
Otherwise the whole file is applied in one transaction through the registry services: each
organisation with its audit event, the holdings set-based in batches of ``BATCH``, each batch
with one audit event naming its counts and the holdings it wrote (issue 18 point 4).

The file is read once: each line parsed once, each holding through the gate once (with its
organisation's facts as they stand at its line; a file that changes an organisation after one
of its holdings is gated again with the final facts). What the gate accepts is spooled to an
unnamed temporary file and applied from there, so a file of a million holdings costs neither
gigabytes of memory nor a second parse and gate per line (issue 18 point 4).
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from operator import attrgetter
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction
from django.utils.translation import ngettext_lazy

from omni_privacy.core import strictjson
from omni_privacy.core.errors import (
    WHOLE_LINE,
    InvalidInputError,
    Problem,
    define,
    gettext_noop,
)
from omni_privacy.policy.loader import active_policy
from omni_privacy.registry.domain.facts import Interval, OrganizationFacts
from omni_privacy.registry.domain.gate import AcceptedHolding, HoldingCandidate, check_holding
from omni_privacy.registry.models import Instance, Organization
from omni_privacy.registry.selectors import organization_facts
from omni_privacy.registry.services import (
    AcceptedItem,
    OrganizationInput,
    check_organization,
    holdings_record_accepted,
    instance_create,
    organization_upsert,
    organizations_by_code,
)

ORGANIZATION_KEYS = frozenset({"type", "id", "name", "subscriptions", "purchasing_group_contracts"})
HOLDING_KEYS = frozenset(
    {
        "type",
        "source",
        "organization",
        "person",
        "purpose",
        "legal_basis",
        "channel",
        "collected_at",
        "last_contact_at",
        "roles",
        "role_removed_at",
        "contacted_us",
        "instance",
    }
)
PERSON_KEYS = ("full_name", "email", "phone", "preferred_language")
MAX_CODE = 64
# Holdings recorded per set-based batch (one audit event each): bounded memory, few statements.
BATCH = 2000
MAX_NAME = 200


# What a line of the file can be refused for (the gate's own refusals are in
# registry/domain/gate.py). Each interface says them in the reader's language.
REQUIRED = define("import.required", gettext_noop("is required"))
NOT_A_DATE = define("import.not_a_date", gettext_noop("must be a date as YYYY-MM-DD"))
NOT_TEXT = define("import.not_text", gettext_noop("must be a non-empty string"))
UNKNOWN_KEY = define("import.unknown_key", gettext_noop("unknown key"))
NOT_PERIODS = define("import.not_periods", gettext_noop("must be a list of periods"))
NOT_PERIOD = define("import.not_period", gettext_noop("must be an object with start and end"))
END_REQUIRED = define("import.end_required", gettext_noop("is required (null when ongoing)"))
TOO_LONG = define("import.too_long", gettext_noop("must be at most %(n)d characters"))
NOT_OBJECT = define("import.not_object", gettext_noop("must be an object"))
NOT_STRING = define("import.not_string", gettext_noop("must be a string or null"))
NOT_CODE = define("import.not_code", gettext_noop("must be letters, digits, - or _ (at most 64)"))
NOT_ROLES = define("import.not_roles", gettext_noop("must be a list of role identifiers"))
NOT_BOOLEAN = define("import.not_boolean", gettext_noop("must be true or false"))
SALES_ONLY = define("import.sales_only", gettext_noop("only applies to the sales source"))
NOT_UTF8 = define("import.not_utf8", gettext_noop("is not valid UTF-8"))
NOT_JSON = define(
    "import.not_json", gettext_noop("is not valid JSON (%(reason)s at column %(column)d)")
)
NOT_JSON_OBJECT = define("import.not_json_object", gettext_noop("must be a JSON object"))
UNKNOWN_TYPE = define("import.unknown_type", gettext_noop("must be organization or holding"))
UNKNOWN_ORGANIZATION = define(
    "import.unknown_organization",
    gettext_noop("unknown organisation '%(code)s': define it on an earlier line"),
)
INSTANCE_ELSEWHERE = define(
    "import.instance_elsewhere", gettext_noop("belongs to another organisation")
)
REFUSED = define(
    "import.refused",
    "%(count)d problem: nothing was imported",
    "%(count)d problems: nothing was imported",
)
# The plural is marked for makemessages here; core.errors.words says it through ngettext.
ngettext_lazy(
    "%(count)d problem: nothing was imported", "%(count)d problems: nothing was imported", "count"
)


class ImportRefusedError(InvalidInputError):
    """The file was refused; nothing was written. ``errors`` lists every bad line's problems,
    each a :class:`~omni_privacy.core.errors.Problem` with its ``line``."""

    def __init__(self, errors: list[Problem]) -> None:
        super().__init__(errors, code=REFUSED)
        self.params = {"count": len(errors)}


def _at(line: int, problems: list[Any]) -> list[Problem]:
    """``problems`` (from the parser, the gate or the registry) placed on ``line``."""
    return [Problem(p.code, p.params, field=p.field, line=line) for p in problems]


@dataclass
class ImportReport:
    organizations_created: int = 0
    organizations_updated: int = 0
    holdings_recorded: int = 0
    holdings_updated: int = 0


@dataclass(frozen=True)
class HoldingLine:
    organization: str
    candidate: HoldingCandidate
    instance: str | None


# --- reading and parsing -------------------------------------------------------------------


def _lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """(line number, text) for each non-blank line; text None when the line is not UTF-8."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None
                continue
            if number == 1:
                text = text.removeprefix("\ufeff")
            if text.strip():
                yield number, text


class _Errors:
    """Collects the problems of one line under its field names."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, name: str, code: str, **params: Any) -> None:
        self.items.append(Problem(code, params, field=name))


def _date(
    body: dict[str, Any], key: str, errors: _Errors, *, required: bool, path: str = ""
) -> dt.date | None:
    name = f"{path}{key}"
    value = body.get(key)
    if value is None:
        if required:
            errors.add(name, REQUIRED)
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    errors.add(name, NOT_A_DATE)
    return None


def _text(body: dict[str, Any], key: str, errors: _Errors, *, required: bool) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            errors.add(key, REQUIRED)
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        errors.add(key, NOT_TEXT)
        return None
    return value


def _unknown_keys(
    body: dict[str, Any], allowed: frozenset[str] | tuple[str, ...], prefix: str, errors: _Errors
) -> None:
    for key in sorted(set(body) - set(allowed)):
        errors.add(f"{prefix}{key}", UNKNOWN_KEY)


def _periods(body: dict[str, Any], key: str, errors: _Errors) -> tuple[Interval, ...]:
    value = body.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list):
        errors.add(key, NOT_PERIODS)
        return ()
    periods = []
    for index, item in enumerate(value):
        path = f"{key}[{index}]."
        if not isinstance(item, dict):
            errors.add(f"{key}[{index}]", NOT_PERIOD)
            continue
        _unknown_keys(item, ("start", "end"), path, errors)
        if "end" not in item:
            errors.add(f"{path}end", END_REQUIRED)
        start = _date(item, "start", errors, required=True, path=path)
        end = _date(item, "end", errors, required=False, path=path)
        if start is not None:
            periods.append(Interval(start, end))
    return tuple(periods)


def _parse_organization(body: dict[str, Any], errors: _Errors) -> OrganizationInput | None:
    _unknown_keys(body, ORGANIZATION_KEYS, "", errors)
    code = _text(body, "id", errors, required=True)
    name = _text(body, "name", errors, required=True)
    subscriptions = _periods(body, "subscriptions", errors)
    contracts = _periods(body, "purchasing_group_contracts", errors)
    if code is not None and len(code) > MAX_CODE:
        errors.add("id", TOO_LONG, n=MAX_CODE)
    if name is not None and len(name) > MAX_NAME:
        errors.add("name", TOO_LONG, n=MAX_NAME)
    if code is None or name is None or errors.items:
        return None
    data = OrganizationInput(
        code=code,
        name=name,
        subscriptions=subscriptions,
        purchasing_group_contracts=contracts,
    )
    errors.items.extend(check_organization(data))
    return None if errors.items else data


def _is_code(value: str) -> bool:
    return 0 < len(value) <= MAX_CODE and value.replace("-", "").replace("_", "").isalnum()


def _declared_organization(text: str | None) -> str | None:
    """The ``id`` a refused organisation line declares, so its holdings are not refused too."""
    try:
        body = strictjson.loads(text or "")
    except json.JSONDecodeError:
        return None
    if isinstance(body, dict) and body.get("type") == "organization":
        code = body.get("id")
        return code if isinstance(code, str) else None
    return None


def _parse_person(body: dict[str, Any], errors: _Errors) -> dict[str, str | None]:
    person = body.get("person")
    values: dict[str, str | None] = dict.fromkeys(PERSON_KEYS)
    if person is None:
        errors.add("person", REQUIRED)
        return values
    if not isinstance(person, dict):
        errors.add("person", NOT_OBJECT)
        return values
    _unknown_keys(person, PERSON_KEYS, "person.", errors)
    for key in PERSON_KEYS:
        value = person.get(key)
        if value is not None and not isinstance(value, str):
            errors.add(f"person.{key}", NOT_STRING)
        else:
            values[key] = value
    return values


def _parse_holding(body: dict[str, Any], errors: _Errors) -> HoldingLine | None:
    _unknown_keys(body, HOLDING_KEYS, "", errors)
    texts = {
        key: _text(body, key, errors, required=True)
        for key in ("source", "organization", "purpose", "legal_basis", "channel")
    }
    instance = _text(body, "instance", errors, required=False)
    if instance is not None and not _is_code(instance):
        errors.add("instance", NOT_CODE)
    person = _parse_person(body, errors)
    collected_at = _date(body, "collected_at", errors, required=True)
    last_contact_at = _date(body, "last_contact_at", errors, required=False)
    role_removed_at = _date(body, "role_removed_at", errors, required=False)
    roles = body.get("roles", [])
    if roles is None:
        roles = []
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        errors.add("roles", NOT_ROLES)
        roles = []
    contacted_us = body.get("contacted_us", True)
    if not isinstance(contacted_us, bool):
        errors.add("contacted_us", NOT_BOOLEAN)
    elif "contacted_us" in body and texts["source"] not in (None, "sales"):
        errors.add("contacted_us", SALES_ONLY)
    if errors.items or collected_at is None:
        return None
    return HoldingLine(
        organization=str(texts["organization"]),
        instance=instance,
        candidate=HoldingCandidate(
            source=str(texts["source"]),
            purpose=str(texts["purpose"]),
            legal_basis=str(texts["legal_basis"]),
            channel=str(texts["channel"]),
            collected_at=collected_at,
            full_name=person["full_name"],
            email=person["email"],
            phone=person["phone"],
            preferred_language=person["preferred_language"],
            last_contact_at=last_contact_at,
            roles=tuple(roles),
            role_removed_at=role_removed_at,
            contacted_us=bool(contacted_us),
        ),
    )


def _loads(text: str) -> Any:
    """orjson first (four times the standard library's speed on good lines); a line it refuses
    is read by the standard library, which says why in words we translate, and reads some
    JSON orjson does not (an integer beyond 64 bits)."""
    try:
        return strictjson.loads(text, fast=True)
    except orjson.JSONDecodeError:
        return strictjson.loads(text)


def parse_line(text: str | None) -> tuple[OrganizationInput | HoldingLine | None, list[Problem]]:
    """One line's organisation or holding, or the problems that refuse it (each naming a key)."""
    errors = _Errors()
    if text is None:
        errors.add(WHOLE_LINE, NOT_UTF8)
        return None, errors.items
    try:
        body = _loads(text.strip())
    except json.JSONDecodeError as exc:
        # The parser's reason is one of a fixed set of phrases (core/strictjson.py marks
        # the standard library's for translation): said in the reader's language too.
        errors.add(WHOLE_LINE, NOT_JSON, reason=strictjson.reason(exc), column=exc.pos + 1)
        return None, errors.items
    if not isinstance(body, dict):
        errors.add(WHOLE_LINE, NOT_JSON_OBJECT)
        return None, errors.items
    kind = body.get("type")
    if kind == "organization":
        return _parse_organization(body, errors), errors.items
    if kind == "holding":
        return _parse_holding(body, errors), errors.items
    errors.add("type", UNKNOWN_TYPE)
    return None, errors.items


# --- checking ------------------------------------------------------------------------------

# An accepted holding spooled as a plain tuple of its fields, read back as the same value.
_ACCEPTED_FIELDS = tuple(f.name for f in fields(AcceptedHolding))
_accepted_values = attrgetter(*_ACCEPTED_FIELDS)
SpooledLine = tuple[int, str, str | None, tuple[Any, ...]]  # line, organisation, instance, values


class _Spool:
    """The accepted holdings, pickled a batch at a time into an unnamed temporary file (in the
    var directory, gone when closed or when the process ends): the apply reads them back
    instead of parsing the file and running the gate on every line a second time."""

    def __init__(self) -> None:
        var_dir = Path(settings.VAR_DIR)
        self._file = tempfile.TemporaryFile(dir=var_dir if var_dir.is_dir() else None)  # noqa: SIM115 - closed by close()
        self._batch: list[SpooledLine] = []

    def add(self, number: int, line: HoldingLine, accepted: AcceptedHolding) -> None:
        self._batch.append((number, line.organization, line.instance, _accepted_values(accepted)))
        if len(self._batch) >= BATCH:
            self._dump()

    def _dump(self) -> None:
        pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._batch = []

    def clear(self) -> None:
        self._batch = []
        self._file.seek(0)
        self._file.truncate()

    def batches(self) -> Iterator[list[SpooledLine]]:
        if self._batch:
            self._dump()
        self._file.seek(0)
        while True:
            try:
                yield pickle.load(self._file)  # noqa: S301 - our own file, written above
            except EOFError:
                return

    def close(self) -> None:
        self._file.close()


@dataclass
class _Plan:
    """What the checks learnt, reused when applying."""

    organizations: list[OrganizationInput] = field(default_factory=list)
    # Each organisation's facts as they will be once the file's organisation lines apply
    # (None: its line was refused), and the registry's organisations the file names.
    final_facts: dict[str, OrganizationFacts | None] = field(default_factory=dict)
    existing: dict[str, Organization] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)  # syntax, types, references
    gate_errors: list[Problem] = field(default_factory=list)  # the gate's and the instances'
    bad_lines: set[int] = field(default_factory=set)


class _Gate:
    """The collection gate (notice §2.1) and the instances' owners, line by line."""

    def __init__(self, plan: _Plan, spool: _Spool, *, as_of: dt.date) -> None:
        self._plan, self._spool, self._as_of = plan, spool, as_of
        self._policy = active_policy()
        self._instance_owner: dict[str, tuple[str, int]] = {}

    def check(self, number: int, line: HoldingLine, facts: OrganizationFacts) -> None:
        result = check_holding(line.candidate, self._policy, facts, today=self._as_of)
        if result.accepted is not None:
            self._spool.add(number, line, result.accepted)
        else:
            self._plan.gate_errors.extend(_at(number, result.errors))
        if line.instance is not None:
            owner, _first = self._instance_owner.setdefault(
                line.instance, (line.organization, number)
            )
            if owner != line.organization:
                self._plan.gate_errors.append(
                    Problem(INSTANCE_ELSEWHERE, field="instance", line=number)
                )

    def finish(self) -> None:
        """The instances the registry has already, each with its organisation."""
        instances = Instance.objects.filter(code__in=list(self._instance_owner)).select_related(
            "organization"
        )
        for instance in instances:
            owner, first = self._instance_owner[instance.code]
            if instance.organization.code != owner:
                self._plan.gate_errors.append(
                    Problem(INSTANCE_ELSEWHERE, field="instance", line=first)
                )


def _check(path: Path, spool: _Spool, *, as_of: dt.date) -> _Plan:
    """Every check, in one read of the file: syntax, types, keys, dates, organisation
    references, and each holding through the gate with its organisation's facts as they stand
    at its line; the accepted holdings go to ``spool``. A file that (re)defines an organisation
    after one of its holdings (rare) is gated again in a second read with the final facts."""
    plan = _Plan()
    gate = _Gate(plan, spool, as_of=as_of)
    facts_now = plan.final_facts
    database: dict[str, Organization | None] = {}
    gated: set[str] = set()  # organisations a holding was checked against
    stale = False
    for number, text in _lines(path):
        parsed, problems = parse_line(text)
        if problems:
            plan.bad_lines.add(number)
            plan.errors.extend(_at(number, problems))
            declared = _declared_organization(text)
            if declared is not None:
                stale = stale or declared in gated
                facts_now[declared] = None
            continue
        if isinstance(parsed, OrganizationInput):
            stale = stale or parsed.code in gated
            plan.organizations.append(parsed)
            facts_now[parsed.code] = OrganizationFacts(
                subscriptions=parsed.subscriptions,
                purchasing_group_contracts=parsed.purchasing_group_contracts,
            )
            continue
        if not isinstance(parsed, HoldingLine):
            continue
        code = parsed.organization
        if code not in facts_now:
            if code not in database:
                database[code] = organizations_by_code([code]).get(code)
            organization = database[code]
            if organization is None:
                plan.bad_lines.add(number)
                plan.errors.append(
                    Problem(UNKNOWN_ORGANIZATION, {"code": code}, field="organization", line=number)
                )
                continue
            facts_now[code] = organization_facts(organization)
        gated.add(code)
        facts = facts_now[code]
        if facts is not None:
            gate.check(number, parsed, facts)
    plan.existing = organizations_by_code(facts_now)
    if stale:
        spool.clear()
        plan.gate_errors.clear()
        gate = _Gate(plan, spool, as_of=as_of)
        for number, text in _lines(path):
            if number in plan.bad_lines:
                continue
            parsed, _problems = parse_line(text)
            if isinstance(parsed, HoldingLine) and (facts := facts_now[parsed.organization]):
                gate.check(number, parsed, facts)
    gate.finish()
    return plan


# --- applying ------------------------------------------------------------------------------


def _instance(code: str, organization: Organization, *, actor: str) -> Instance:
    instance = Instance.objects.filter(code=code).first()
    if instance is not None:
        return instance
    return instance_create(actor=actor, organization=organization, code=code)


def _apply(plan: _Plan, spool: _Spool, *, actor: str, as_of: dt.date) -> ImportReport:
    report = ImportReport()
    known = set(plan.existing)
    organizations = dict(plan.existing)
    for data in plan.organizations:
        organizations[data.code] = organization_upsert(actor=actor, data=data, as_of=as_of)
        if data.code in known:
            report.organizations_updated += 1
        else:
            report.organizations_created += 1
            known.add(data.code)
    facts_cache: dict[int, OrganizationFacts] = {
        organizations[code].pk: facts
        for code, facts in plan.final_facts.items()
        if facts is not None and code in organizations
    }
    instances: dict[str, Instance] = {}
    for batch in spool.batches():
        items = []
        for _number, code, instance_code, values in batch:
            organization = organizations[code]
            instance = None
            if instance_code is not None:
                if instance_code not in instances:
                    instances[instance_code] = _instance(instance_code, organization, actor=actor)
                instance = instances[instance_code]
            items.append(AcceptedItem(organization, AcceptedHolding(*values), instance))
        done = holdings_record_accepted(
            actor=actor, items=items, today=as_of, facts_cache=facts_cache
        )
        report.holdings_recorded += done.recorded
        report.holdings_updated += done.updated
    return report


def jsonl_import(*, actor: str, path: Path, as_of: dt.date) -> ImportReport:
    """Check every line of ``path``, then apply all of it in one transaction, or nothing.

    Raises ImportRefusedError listing every problem (by line, then field) when any line is
    refused; the database is then untouched.
    """
    spool = _Spool()
    try:
        plan = _check(path, spool, as_of=as_of)
        errors = plan.errors + plan.gate_errors
        if errors:
            raise ImportRefusedError(sorted(errors, key=lambda e: e.line or 0))
        with transaction.atomic():
            return _apply(plan, spool, actor=actor, as_of=as_of)
    finally:
        spool.close()
