"""The list of `omni-privacy` commands, read from their own parsers.

`omni-privacy --help` prints :func:`usage` and docs/cli.md carries :func:`markdown` between
its ``commands`` markers, so a command's one-line help is written once, in its parser; a test
fails when the page drifts (``make cli-docs`` rewrites it).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from django.core.management import get_commands, load_command_class

# The order people meet the commands in: set up and run, the notice, the registry, requests.
COMMANDS = (
    "migrate", "bootstrap", "createstaff", "demo", "run", "serve", "worker",
    "policy", "retention", "people", "import", "instances", "sync", "intake", "stores",
    "notices", "officers", "mailings", "outbox", "dsr", "api-token", "drp", "conformance",
    "transfers",
    "audit",
)  # fmt: skip

# Sub-commands whose management command has another name (``import`` is a Python keyword).
ALIASES = {"import": "import_jsonl", "api-token": "api_token"}

BEGIN = "<!-- commands:begin (generated from the parsers by `make cli-docs`) -->"
END = "<!-- commands:end -->"
DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


@dataclass(frozen=True)
class Entry:
    """One line of the list: ``retention plan`` and what it does."""

    usage: str
    help: str


def _parser(name: str) -> argparse.ArgumentParser:
    command_name = ALIASES.get(name, name)
    command = load_command_class(get_commands()[command_name], command_name)
    return command.create_parser("omni-privacy", name)


def _line(description: str) -> str:
    """A command's help as a list line: its first sentence, lower case, no full stop."""
    first = description.strip().split(". ")[0].rstrip(".")
    return first[:1].lower() + first[1:]


def entries() -> list[Entry]:
    """Every command, and every action of a command that has actions, with its help."""
    found = []
    for name in COMMANDS:
        parser = _parser(name)
        actions = [
            action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
        ]
        if not actions:
            found.append(Entry(name, _line(parser.description or "")))
            continue
        for choice in actions[0]._choices_actions:
            found.append(Entry(f"{name} {choice.dest}", (choice.help or "").strip()))
    return found


def usage() -> str:
    """What `omni-privacy --help` prints."""
    listed = entries()
    width = max(len(entry.usage) for entry in listed) + 2
    lines = ["usage: omni-privacy COMMAND [options]", "", "Commands:"]
    lines += [f"  {entry.usage.ljust(width)}{entry.help}" for entry in listed]
    lines += [
        "",
        "Every time-dependent command takes --as-of YYYY-MM-DD (what it records carries that day);",
        "every command reporting a result takes --json. `omni-privacy COMMAND --help` for more.",
        "Exit status: 0 done, 1 refused or a check found a problem, 2 usage error.",
    ]
    return "\n".join(lines)


def markdown() -> str:
    """The command table of docs/cli.md."""
    rows = ["| command | what it does |", "|---|---|"]
    rows += [f"| `omni-privacy {entry.usage}` | {entry.help} |" for entry in entries()]
    return "\n".join(rows)


def page_with_table(page: str) -> str:
    """docs/cli.md's text with the table between the markers replaced by :func:`markdown`."""
    head, _begin, rest = page.partition(BEGIN)
    _old, _end, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{markdown()}\n{END}{tail}"


def write_page() -> None:
    DOC.write_text(page_with_table(DOC.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":  # `make cli-docs`
    import django

    django.setup()
    write_page()
