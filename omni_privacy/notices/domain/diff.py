"""A readable difference between two versions of a notice text (notice §11: people must be
able to see what changed), as HTML: line by line, and word by word inside a changed line.

Lines are the text's non-empty lines (in a Markdown notice, a paragraph, a heading or a list
item each). A line that only changed in part shows its removed words in ``<del>`` and its added
words in ``<ins>``; a line removed or added whole is one ``<del>`` or ``<ins>``. Runs of
unchanged lines longer than twice ``context`` are cut to ``context`` lines on each side.
Everything is HTML-escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape

_TOKEN = re.compile(r"\s+|[^\s]+")
# Below this similarity two lines are shown as one removed and one added, not interleaved.
SIMILAR = 0.5


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "del" or "ins"
    text: str


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "changed", "removed", "added" or "skip"
    segments: tuple[Segment, ...]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _words(old: str, new: str) -> tuple[Segment, ...]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(Segment("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(Segment("ins", "".join(b[j1:j2])))
    return tuple(segments)


def _replaced(old: list[str], new: list[str]) -> list[DiffLine]:
    out: list[DiffLine] = []
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        if (
            before is not None
            and after is not None
            and SequenceMatcher(None, before, after, autojunk=False).ratio() >= SIMILAR
        ):
            out.append(DiffLine("changed", _words(before, after)))
            continue
        if before is not None:
            out.append(DiffLine("removed", (Segment("del", before),)))
        if after is not None:
            out.append(DiffLine("added", (Segment("ins", after),)))
    return out


def _trim(lines: list[DiffLine], context: int) -> list[DiffLine]:
    out: list[DiffLine] = []
    run: list[DiffLine] = []

    def flush(*, first: bool, last: bool) -> None:
        head = 0 if first else context
        tail = 0 if last else context
        if len(run) > head + tail:
            out.extend(run[:head])
            out.append(DiffLine("skip", ()))
            out.extend(run[len(run) - tail :] if tail else [])
        else:
            out.extend(run)

    first = True
    for line in lines:
        if line.kind == "same":
            run.append(line)
            continue
        flush(first=first, last=False)
        run = []
        first = False
        out.append(line)
    flush(first=first, last=True)
    return out


def diff_lines(old: str, new: str, *, context: int | None = 2) -> list[DiffLine]:
    """The line-by-line difference from ``old`` to ``new``; ``context=None`` keeps every line."""
    a, b = _lines(old), _lines(new)
    lines: list[DiffLine] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            lines.extend(DiffLine("same", (Segment("same", line),)) for line in a[i1:i2])
        elif op == "delete":
            lines.extend(DiffLine("removed", (Segment("del", line),)) for line in a[i1:i2])
        elif op == "insert":
            lines.extend(DiffLine("added", (Segment("ins", line),)) for line in b[j1:j2])
        else:
            lines.extend(_replaced(a[i1:i2], b[j1:j2]))
    if context is None or all(line.kind == "same" for line in lines):
        return lines
    return _trim(lines, context)


def _segment_html(segment: Segment) -> str:
    text = escape(segment.text)
    if segment.kind == "del":
        return f"<del>{text}</del>"
    if segment.kind == "ins":
        return f"<ins>{text}</ins>"
    return text


def diff_html(old: str, new: str, *, context: int | None = 2) -> str:
    """The difference as HTML: one ``<p class="diff-KIND">`` per line in a ``<div>``."""
    rows = []
    for line in diff_lines(old, new, context=context):
        if line.kind == "skip":
            rows.append('<p class="diff-skip" aria-hidden="true">…</p>')
        else:
            body = "".join(_segment_html(segment) for segment in line.segments)
            rows.append(f'<p class="diff-{line.kind}">{body}</p>')
    return '<div class="diff">' + "".join(rows) + "</div>"


def has_changes(old: str, new: str) -> bool:
    return _lines(old) != _lines(new)
