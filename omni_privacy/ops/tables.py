"""Fixed-width tables for the operator commands, written row by row as they are read.

rich styles the heading and the status cells; rows are plain formatted strings (a rich Table
costs ~1.5 ms a row: 25 minutes for a million), so a command streams whatever its size.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import IO, Any, cast

from django.core.management.base import OutputWrapper
from rich.console import Console
from rich.text import Text

STATUS_STYLES = {
    "overdue": "bold red",
    "late": "bold red",
    "stale": "bold red",
    "due": "yellow",
    "held": "cyan",
}


class _Stream:
    """Hands rich the command's stdout as is (OutputWrapper would add a newline per write)."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self._wrapper = wrapper

    def write(self, text: str) -> int:
        self._wrapper.write(text, ending="")
        return len(text)

    def flush(self) -> None:
        self._wrapper.flush()

    def isatty(self) -> bool:
        return self._wrapper.isatty()


def label(table: Mapping[str, Any], code: str) -> str:
    """The word for ``code`` in the active language; the code itself if it has none (a code
    added by a newer engine is never hidden)."""
    return str(table.get(code, code))


def cell(value: str, width: int) -> str:
    if len(value) > width:
        value = value[: width - 1] + "…"
    return value.ljust(width)


class Table:
    """``Table(stdout, [(heading, width), ...])``; ``row([...])`` writes one line at once."""

    def __init__(
        self,
        stdout: OutputWrapper,
        columns: list[tuple[str, int]],
        *,
        status_column: int = -1,
        status_labels: Mapping[Any, Any] | None = None,
    ) -> None:
        """``status_labels`` gives the word shown for each status code (the code keeps its
        colour); a code without a word is shown as it is."""
        self._stdout = stdout
        self._status_labels = status_labels or {}
        self._widths = [max(width, len(heading)) for heading, width in columns]
        self._status_column = status_column
        self._console = Console(
            file=cast(IO[str], _Stream(stdout)), highlight=False, soft_wrap=True
        )
        self._styled: dict[str, str] = {}
        self._console.print(Text(self._line([heading for heading, _w in columns]), style="bold"))

    def _line(self, cells: list[str], preformatted: int = -1) -> str:
        return "  ".join(
            value if index == preformatted else cell(value, width)
            for index, (value, width) in enumerate(zip(cells, self._widths, strict=True))
        ).rstrip()

    def _status(self, value: str) -> str:
        """The padded status cell, with colour codes when the output is a colour terminal."""
        if value not in self._styled:
            width = self._widths[self._status_column]
            word = str(self._status_labels.get(value, value))
            with self._console.capture() as captured:
                self._console.print(
                    Text(cell(word, width), style=STATUS_STYLES.get(value, "")), end=""
                )
            self._styled[value] = captured.get()
        return self._styled[value]

    def row(self, cells: list[str]) -> None:
        if self._status_column >= 0:
            cells = list(cells)
            cells[self._status_column] = self._status(cells[self._status_column])
        self._stdout.write(self._line(cells, preformatted=self._status_column))


def write_json_list(command: Any, rows: Iterable[dict[str, Any]]) -> int:
    command.stdout.write("[", ending="")
    count = 0
    for row in rows:
        command.stdout.write(("\n" if count == 0 else ",\n") + json.dumps(row), ending="")
        count += 1
    command.stdout.write("\n]")
    return count
