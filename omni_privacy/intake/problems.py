"""A refused sync's problems in the reader's language.

The snapshot parser, the collection gate and the export pull are pure or low-level and speak
English: to the logs, the CLI and the stored sync run (``SyncRun.problems``, one problem per
line: ``line 12: email: is not a valid email address``). A person reading the console reads
them here: each message is matched to the template that wrote it and said in French or
English. Line numbers, values such as HTTP codes, and column names stay as they are (they
name the file's own columns). A message without a template is shown as written.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

# What the parser (intake/domain/snapshot.py), the gate (registry/domain/gate.py), the sync
# and the pull (intake/pull.py) write; each %(name)s stands for what the message carries.
TEMPLATES = (
    gettext_noop("not UTF-8 text"),
    gettext_noop("not valid JSON"),
    gettext_noop("not a JSON object"),
    gettext_noop("truncated: the last line is incomplete"),
    gettext_noop("empty snapshot: no header"),
    gettext_noop("missing columns: %(columns)s"),
    gettext_noop("column appears more than once"),
    gettext_noop("truncated: unterminated quoted field"),
    gettext_noop("not valid CSV (misplaced quote)"),
    gettext_noop("expected %(expected)s cells, found %(found)s"),
    gettext_noop("missing"),
    gettext_noop("must be a string"),
    gettext_noop("must be a list of strings"),
    gettext_noop("duplicate of line %(first)s"),
    gettext_noop("contains a NUL character"),
    gettext_noop("is not a valid email address"),
    gettext_noop("is longer than %(limit)s characters"),
    gettext_noop("contains a control character"),
    gettext_noop("must be fr or en"),
    gettext_noop(
        "the organisation has no subscription on %(day)s: no software profile can be "
        "collected (notice §2.1 ¶2)"
    ),
    gettext_noop(
        "the snapshot is dated %(day)s, before the last one applied (%(latest)s): an older "
        "snapshot cannot be applied after a newer one"
    ),
    gettext_noop("the instance has no export URL (omni-privacy instances add --url)"),
    gettext_noop("truncated: the connection closed after %(size)s bytes"),
    gettext_noop("the instance refused the token (HTTP %(code)s)"),
    gettext_noop("the instance answered HTTP %(code)s"),
    gettext_noop("no answer from the instance within %(seconds)s s"),
    gettext_noop("cannot reach the instance (%(reason)s)"),
    gettext_noop("truncated: received %(received)s of %(expected)s bytes"),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_MORE = re.compile(r"\.\.\. and (?P<count>\d+) more problems?")
_LINE = re.compile(r"line (?P<number>\d+): (?P<rest>.*)")
_FIELD = re.compile(r"(?P<field>[a-z_]+(?:\[\d+\])?): (?P<rest>.*)")


def _pattern(template: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(template)  # text, name, text, name, ..., text
    return re.compile(
        "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
    )


_PATTERNS = [(_pattern(template), template) for template in TEMPLATES]


def _message(text: str) -> str | None:
    if (more := _MORE.fullmatch(text)) is not None:
        count = int(more["count"])
        return ngettext(
            "... and %(count)s more problem", "... and %(count)s more problems", count
        ) % {"count": count}
    for pattern, template in _PATTERNS:
        if (match := pattern.fullmatch(text)) is not None:
            return _(template) % match.groupdict()
    return None


def translated_problem(problem: str) -> str:
    """One stored problem, in the active language: ``line N: field: message``, each part
    optional."""
    line = _LINE.fullmatch(problem)
    rest = line["rest"] if line else problem
    said = _message(rest)
    if said is None and (field := _FIELD.fullmatch(rest)) is not None:
        message = _message(field["rest"])
        said = (
            None
            if message is None
            else _("%(field)s: %(message)s")
            % {
                "field": field["field"],
                "message": message,
            }
        )
    said = rest if said is None else said
    if line is None:
        return said
    return _("line %(number)s: %(problem)s") % {"number": line["number"], "problem": said}


def translated_problems(problems: str) -> list[str]:
    """A sync run's stored problems, one per line, in the active language."""
    return [translated_problem(problem) for problem in problems.splitlines() if problem]
