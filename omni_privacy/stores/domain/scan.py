"""Discovery: which columns of a store look personal, by their name and by sampled values, and
whether the notice allows them for their table's source (notice §2.1: each source lists the
fields it may hold; anything else is a conformance failure, not something to map quietly).

Pure: the caller reflects the schema and samples a bounded number of values per column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from omni_privacy.policy.domain.schema import Policy
from omni_privacy.stores.domain.dataset import Dataset
from omni_privacy.stores.domain.problems import CONFORMANCE, Problem
from omni_privacy.stores.domain.schema import Schema, SchemaColumn

# Kinds of personal data a column can hold. The first four are the policy's own fields (the
# only ones the notice allows, source by source); the others the notice never mentions.
NAME_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"(^|_)(e_?mail|courriel|mail)(_|$)")),
    ("phone", re.compile(r"(^|_)(phone|telephone|tel|mobile|cell|cellulaire|fax)(_|$)")),
    ("birth_date", re.compile(r"(^|_)(birth|birthday|dob|naissance|date_of_birth)(_|$)")),
    ("ip_address", re.compile(r"(^|_)(ip|ip_address|remote_addr)(_|$)")),
    ("preferred_language", re.compile(r"(^|_)(lang|language|langue|locale)(_|$)")),
    (
        "full_name",
        re.compile(
            r"(^|_)(name|full_name|first_name|last_name|surname|"
            r"given_name|nom|prenom)(_|$)"
        ),
    ),
    (
        "postal_address",
        re.compile(
            r"(^|_)(address|adresse|street|rue|city|ville|postal|"
            r"postal_code|zip|code_postal)(_|$)"
        ),
    ),
)
# A name ending in _id or a table prefix such as company_name is not a person's name.
_NOT_PERSON = re.compile(r"(^|_)(company|organization|organisation|product|file|user)_name$|_id$")
VALUE_SHARE = 0.8  # share of sampled non-empty values that must look alike
PHONE_REGION = "CA"


def kind_by_name(column: str) -> str | None:
    lowered = column.lower()
    if _NOT_PERSON.search(lowered):
        return None
    for kind, pattern in NAME_HINTS:
        if pattern.search(lowered):
            return kind
    return None


def _is_email(value: str) -> bool:
    if "@" not in value:
        return False
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _is_phone(value: str) -> bool:
    if sum(ch.isdigit() for ch in value) < 7:
        return False
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def kind_by_values(values: Sequence[str]) -> tuple[str, int] | None:
    """The kind most sampled values look like (email or phone) and how many did."""
    present = [value.strip() for value in values if value and value.strip()]
    if not present:
        return None
    for kind, test in (("email", _is_email), ("phone", _is_phone)):
        matched = sum(1 for value in present if test(value))
        if matched >= max(1, VALUE_SHARE * len(present)):
            return kind, matched
    return None


@dataclass(frozen=True)
class Finding:
    """A column that looks personal, with the evidence: the name hint and the share of
    sampled values (``matched`` of ``sampled``) that look like the kind."""

    table: str
    column: str
    kind: str
    by_name: bool
    matched: int
    sampled: int
    source: str | None
    declared: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "column": self.column,
            "kind": self.kind,
            "evidence": {"name": self.by_name, "values": [self.matched, self.sampled]},
            "source": self.source,
            "declared": self.declared,
        }


@dataclass(frozen=True)
class ScanReport:
    findings: tuple[Finding, ...]
    problems: tuple[Problem, ...] = field(default=())
    proposal: str = ""


def _table_source(dataset: Dataset | None, table: str) -> str | None:
    if dataset is None or table not in dataset.tables:
        return None
    found = dataset.tables[table]
    if found.source:
        return found.source
    sources = {c.source for c in found.columns.values() if c.source}
    return sources.pop() if len(sources) == 1 else None


def _finding(
    table: str, column: SchemaColumn, values: Sequence[str], dataset: Dataset | None
) -> Finding | None:
    by_name = kind_by_name(column.name)
    by_values = kind_by_values(values) if column.textual else None
    kind = by_values[0] if by_values else by_name
    if kind is None:
        return None
    declared = bool(
        dataset and table in dataset.tables and column.name in dataset.tables[table].columns
    )
    return Finding(
        table=table,
        column=column.name,
        kind=kind,
        by_name=by_name == kind,
        matched=by_values[1] if by_values else 0,
        sampled=sum(1 for value in values if value),
        source=_table_source(dataset, table),
        declared=declared,
    )


def scan(
    schema: Schema,
    samples: Mapping[str, Mapping[str, Sequence[str]]],
    *,
    policy: Policy,
    dataset: Dataset | None = None,
) -> ScanReport:
    """The columns that look personal, and a conformance problem for each one its source may
    not hold (or no source may hold: a birth date, an address)."""
    findings = []
    problems = []
    allowed_anywhere = {f for source in policy.sources.values() for f in source.fields}
    for table in schema.tables.values():
        for column in table.columns.values():
            found = _finding(table.name, column, samples.get(table.name, {}).get(column.name,
                             ()), dataset)  # fmt: skip
            if found is None:
                continue
            findings.append(found)
            key = f"tables.{found.table}.columns.{found.column}"
            if found.source is not None:
                source = policy.sources[found.source]
                if found.kind not in source.fields:
                    problems.append(Problem(key, "field_not_allowed",
                                            {"field": found.kind, "source": found.source,
                                             "section": source.section},
                                            severity=CONFORMANCE))  # fmt: skip
            elif found.kind not in allowed_anywhere:
                problems.append(Problem(key, "field_not_in_notice", {"field": found.kind},
                                        severity=CONFORMANCE))  # fmt: skip
    return ScanReport(
        findings=tuple(findings),
        problems=tuple(problems),
        proposal=propose(schema, findings, dataset_sources(dataset)),
    )


def dataset_sources(dataset: Dataset | None) -> dict[str, str]:
    if dataset is None:
        return {}
    return {name: s for name in dataset.tables if (s := _table_source(dataset, name))}


def _toml_string(value: str) -> str:
    # A TOML basic string: JSON's escapes are TOML's.
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def propose(schema: Schema, findings: Sequence[Finding], sources: Mapping[str, str]) -> str:
    """A dataset file to start from: every table holding a finding, each finding a column to
    fill in (its source, and what erasure means for it). Not valid until completed: the
    placeholders name what a person must decide."""
    by_table: dict[str, list[Finding]] = {}
    for finding in findings:
        by_table.setdefault(finding.table, []).append(finding)
    lines = ["# Proposed by `omni-privacy stores scan`: review every column (docs/stores.md)."]
    for name in schema.tables:
        if name not in by_table:
            continue
        lines += ["", f"[tables.{name}]"]
        lines.append(f"source = {_toml_string(sources.get(name, 'CHOOSE'))}")
        for finding in by_table[name]:
            lines += ["", f"[tables.{name}.columns.{finding.column}]"]
            if finding.kind in ("email", "phone"):
                lines.append(f"identifies = {_toml_string(finding.kind)}")
            lines.append(f"field = {_toml_string(finding.kind)}")
            lines.append('erase = "null"')
            evidence = f"name: {'yes' if finding.by_name else 'no'}, "
            evidence += f"values: {finding.matched}/{finding.sampled}"
            lines[-1] += f"  # evidence: {evidence}"
    return "\n".join(lines) + "\n"
