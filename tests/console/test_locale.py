"""The French catalogue is complete: no untranslated and no fuzzy entry (French is first-class)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

PO_FILE = Path(__file__).resolve().parents[2] / "omni_privacy/locale/fr/LC_MESSAGES/django.po"


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)
    obsolete: bool = False


def parse_po(text: str) -> list[Entry]:
    """A tiny .po reader: enough to see each entry's flags, msgid and msgstr(s)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry = None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry.fields[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry.fields[key] = ast.literal_eval(value)
    return entries


def test_parser_reads_flags_plurals_and_continuation_lines() -> None:
    text = (
        '#, fuzzy, python-format\nmsgid "a %(n)s"\nmsgstr ""\n"b "\n"%(n)s"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "un"\nmsgstr[1] ""\n'
    )
    first, second = parse_po(text)
    assert (first.flags, first.fields) == (
        {"fuzzy", "python-format"},
        {"msgid": "a %(n)s", "msgstr": "b %(n)s"},
    )
    assert second.fields == {
        "msgid": "one",
        "msgid_plural": "many",
        "msgstr[0]": "un",
        "msgstr[1]": "",
    }


def test_french_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    entries = [e for e in parse_po(PO_FILE.read_text(encoding="utf-8")) if not e.obsolete]
    messages = [e for e in entries if e.fields.get("msgid")]
    assert len(messages) > 100
    problems = [
        (entry.line, entry.fields["msgid"])
        for entry in messages
        if "fuzzy" in entry.flags
        or any(not value for key, value in entry.fields.items() if key.startswith("msgstr"))
    ]
    assert problems == []
    (header,) = [e for e in entries if e.fields.get("msgid") == ""]
    assert "Language: fr\n" in header.fields["msgstr"]
