"""A small, safe renderer for notice texts: Markdown headings, bullet lists and paragraphs.

Every character of the source is HTML-escaped, so a notice cannot carry markup, scripts or
links to a third party into the public pages. Plain text (paragraphs separated by blank lines)
renders too. Deliberately nothing else: the notice is prose with numbered sections.
"""

from __future__ import annotations

import re
from html import escape

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
            continue
        if _HEADING.match(line):
            if current:
                blocks.append(current)
            blocks.append([line])
            current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _list_items(lines: list[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        bullet = _BULLET.match(line)
        if bullet:
            items.append(bullet.group(1).strip())
        else:  # a continuation line of the item above
            items[-1] = f"{items[-1]} {line.strip()}"
    return items


def render_html(text: str, *, top_level: int = 2) -> str:
    """HTML for ``text``. Headings are never above ``<h{top_level}>`` (``#`` and ``##`` both
    become ``<h2>`` by default) so that the page keeps its own single ``<h1>``."""
    parts = []
    for block in _blocks(text):
        heading = _HEADING.match(block[0])
        if heading and len(block) == 1:
            level = min(max(len(heading.group(1)), top_level), 6)
            parts.append(f"<h{level}>{escape(heading.group(2))}</h{level}>")
        elif _BULLET.match(block[0]):
            items = "".join(f"<li>{escape(item)}</li>" for item in _list_items(block))
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{escape(' '.join(line.strip() for line in block))}</p>")
    return "\n".join(parts)
