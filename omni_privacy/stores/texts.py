"""The words for the stores' codes (problems of a dataset, of a check or a scan, and why a
store failed), in the reader's language. The one place where a code becomes a sentence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _

from omni_privacy.policy.loader import active_policy
from omni_privacy.stores.domain.dataset import Dataset, Keep
from omni_privacy.stores.domain.problems import Problem
from omni_privacy.stores.domain.results import Failure

MESSAGES = {
    "toml_invalid": gettext_noop("not valid TOML (line %(line)s, column %(column)s)"),
    "unknown_key": gettext_noop("unknown key"),
    "not_a_string": gettext_noop("must be a non-empty string"),
    "not_a_list": gettext_noop("must be a list"),
    "not_a_table": gettext_noop("must be a table"),
    "not_a_scalar": gettext_noop("must be a string, a number or a boolean"),
    "invalid_choice": gettext_noop("must be one of: %(allowed)s"),
    "invalid_name": gettext_noop("not a valid table or column name"),
    "required": gettext_noop("missing"),
    "no_tables": gettext_noop("the dataset has no tables"),
    "no_identity": gettext_noop("no column identifies a person (identifies = email, phone or id)"),
    "unknown_source": gettext_noop("unknown source: must be one of %(allowed)s"),
    "unknown_purpose": gettext_noop("unknown purpose %(purpose)s"),
    "unknown_reason": gettext_noop("unknown reason: must be one of %(allowed)s"),
    "unknown_table": gettext_noop("no table %(table)s in the dataset"),
    "keep_needs_reason": gettext_noop("keeping data needs a reason (a legal basis)"),
    "keep_needs_clause": gettext_noop("keeping data needs the clause that requires it"),
    "only_with_keep": gettext_noop('only with erase = "keep"'),
    "only_with_replace": gettext_noop('only with erase = "replace"'),
    "field_required": gettext_noop("say which field of the notice the column holds"),
    "source_required": gettext_noop("say which source of the notice the column belongs to"),
    "erase_required": gettext_noop("say what erasure means for this column"),
    "erase_with_table_erase": gettext_noop(
        "the table's rows are already erased whole (erase = %(table_erase)s)"
    ),
    "replace_needs_value": gettext_noop("a replacement needs a value or a generalisation"),
    "value_and_generalise": gettext_noop("a value or a generalisation, not both"),
    "field_not_allowed": gettext_noop(
        "the notice does not allow %(field)s for the source %(source)s (%(section)s)"
    ),
    "field_not_in_notice": gettext_noop("the notice allows %(field)s for no source"),
    "purpose_not_allowed": gettext_noop(
        "the notice does not allow the purpose %(purpose)s for the source %(source)s (%(section)s)"
    ),
    "table_missing": gettext_noop("the store has no table %(table)s"),
    "column_missing": gettext_noop("the store has no column %(column)s"),
    "not_null_to_null": gettext_noop(
        "%(column)s is NOT NULL: setting it to NULL will fail and roll the store back"
    ),
    "not_a_date": gettext_noop("%(column)s is not a date: it cannot keep only its year"),
    "unreachable": gettext_noop("cannot reach the store (%(error)s)"),
    "table_unreachable": gettext_noop(
        "neither an identity column nor a reference leads to the table %(table)s"
    ),
    "references_cycle": gettext_noop("the references form a cycle: %(cycle)s"),
    "url_invalid": gettext_noop("not a database URL"),
    "url_dialect": gettext_noop("not a %(dialect)s URL"),
    "name_invalid": gettext_noop("must be lower-case letters, digits and hyphens"),
    "name_taken": gettext_noop("a store named %(name)s exists already"),
    "email_invalid": gettext_noop("is not a valid email address"),
    "not_checked": gettext_noop(
        "the store %(name)s has not been checked yet: run omni-privacy stores check %(name)s"
    ),
    "dataset_invalid": gettext_noop("the dataset has problems: run stores check"),
    "statement_failed": gettext_noop(
        "the statement on %(table)s failed (%(error)s %(sqlstate)s): nothing was changed"
    ),
    "transfer_refused": gettext_noop(
        "the store %(name)s has no current privacy impact assessment (notice §6): assess it "
        "in the recipients register"
    ),
    "remains": gettext_noop("the re-query still found the person's data: nothing was changed"),
}


def _say(code: str, params: Mapping[str, Any]) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code
    values = {key: "" if value is None else value for key, value in params.items()}
    try:
        return _(template) % values
    except KeyError:
        return _(template)


def problem_text(problem: Problem) -> str:
    """``key: words`` (with the line for a TOML syntax error)."""
    words = _say(problem.code, {"line": problem.line, **problem.params})
    return _("%(key)s: %(message)s") % {"key": problem.key, "message": words}


def failure_text(failure: Failure) -> str:
    return _say(failure.code, failure.params)


def remains_text(place: Mapping[str, Any]) -> str:
    """One place where the re-query found the person's data."""
    rows = int(place["rows"])
    if place["column"]:
        return ngettext(
            "%(rows)s row of %(table)s holds it in %(column)s",
            "%(rows)s rows of %(table)s hold it in %(column)s",
            rows,
        ) % {"rows": rows, "table": place["table"], "column": place["column"]}
    return ngettext(
        "%(rows)s row of %(table)s still belongs to the person",
        "%(rows)s rows of %(table)s still belong to the person",
        rows,
    ) % {"rows": rows, "table": place["table"]}


SEVERITY = {
    "error": gettext_noop("error"),
    "conformance": gettext_noop("conformance"),
    "warning": gettext_noop("warning"),
}
ACTIONS = {
    "delete": gettext_noop("deleted"),
    "anonymise": gettext_noop("anonymised"),
    "keep": gettext_noop("kept"),
}
STATUSES = {
    "new": gettext_noop("new"),
    "ok": gettext_noop("ok"),
    "problems": gettext_noop("problems"),
    "unreachable": gettext_noop("unreachable"),
}


def keep_text(keep: Keep) -> str:
    """Why data stays: the legal basis in the reader's language, and the clause."""
    basis = active_policy().legal_bases.get(keep.reason)
    label = basis.label.get(get_language() or "fr") if basis else keep.reason
    return f"{label} ({keep.clause})"


def word(table: Mapping[str, str], code: str) -> str:
    return _(table[code]) if code in table else code


def planned_erasure(dataset: Dataset, found: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """What a full erasure will do to each table holding the person (``found``: their rows
    per table), in the shape of an erasure's result (stores/jobs.py), from the dataset's
    rules as stores/erasure.py applies them."""
    planned: dict[str, dict[str, Any]] = {}
    for name, rows in found.items():
        table = dataset.tables.get(name)
        if table is None or not rows:
            continue
        kept_columns = {
            column.name: {"reason": column.keep.reason, "clause": column.keep.clause}
            for column in table.columns.values()
            if column.keep is not None
        }
        changed = [c for c in table.columns.values() if c.erase in ("null", "replace")]
        if table.erase == "delete":
            planned[name] = {"action": "delete", "found": rows, "erased": rows}
        elif table.erase == "keep" or not changed:
            clause = table.keep.clause if table.keep else ""
            planned[name] = {"action": "keep", "found": rows, "kept": rows, "clause": clause,
                             "kept_columns": kept_columns}  # fmt: skip
        else:
            planned[name] = {"action": "anonymise", "found": rows, "anonymised": rows,
                             "kept_columns": kept_columns}  # fmt: skip
    return planned


def _deleted(name: str, count: int, planned: bool) -> str:
    if planned:
        return ngettext(
            "%(table)s: %(count)s row to delete", "%(table)s: %(count)s rows to delete", count
        ) % {"table": name, "count": count}
    return ngettext(
        "%(table)s: %(count)s row deleted", "%(table)s: %(count)s rows deleted", count
    ) % {"table": name, "count": count}


def _anonymised(name: str, count: int, planned: bool) -> str:
    if planned:
        return ngettext(
            "%(table)s: %(count)s row to anonymise", "%(table)s: %(count)s rows to anonymise", count
        ) % {"table": name, "count": count}
    return ngettext(
        "%(table)s: %(count)s row anonymised", "%(table)s: %(count)s rows anonymised", count
    ) % {"table": name, "count": count}


def erasure_table_lines(result: Mapping[str, Any], *, planned: bool = False) -> list[str]:
    """What the erasure did (or, ``planned``, will do) in each table that holds something of
    the person, in words: rows deleted, rows anonymised, and what stays with the clause that
    requires it."""
    lines = []
    for name, table in sorted((result or {}).get("tables", {}).items()):
        if not table.get("found"):
            continue
        kept_columns = [
            _("%(table)s: %(column)s kept (%(clause)s)")
            % {"table": name, "column": column, "clause": kept.get("clause") or "—"}
            for column, kept in sorted(table.get("kept_columns", {}).items())
        ]
        if table.get("action") == "keep" and not table.get("clause"):
            # Kept because nothing in it was to change: the columns kept say why, if any.
            lines += kept_columns or [
                ngettext(
                    "%(table)s: %(count)s row kept as it was",
                    "%(table)s: %(count)s rows kept as they were",
                    table["found"],
                )
                % {"table": name, "count": table["found"]}
            ]
            continue
        if table.get("action") == "keep":
            lines.append(
                ngettext(
                    "%(table)s: %(count)s row kept (%(clause)s)",
                    "%(table)s: %(count)s rows kept (%(clause)s)",
                    table["found"],
                )
                % {"table": name, "count": table["found"], "clause": table["clause"]}
            )
            continue
        if table.get("erased"):
            lines.append(_deleted(name, table["erased"], planned))
        if table.get("anonymised"):
            lines.append(_anonymised(name, table["anonymised"], planned))
        lines += kept_columns
    return lines
