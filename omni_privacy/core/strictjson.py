"""A strict JSON loader for files people hand us (issue 15 §8). Pure.

Two things the standard loaders let through are refused, with the line and column:

- **nesting deeper than MAX_DEPTH**: a line of 100,000 ``[`` made the standard library raise
  ``RecursionError`` from deep inside the import; the depth is counted before parsing, without
  recursion;
- **duplicate keys**: ``{"email": "a@example.com", "email": "b@example.com"}`` silently kept
  the last one; which of the two was meant is unknowable, so the line is refused.

``StrictJsonError`` is a ``json.JSONDecodeError`` (so a caller's existing "not valid JSON"
handling still catches it, with its ``msg``, ``lineno`` and ``colno``) and a core/errors
``Refused`` carrying one ``Problem`` with its own code, for interfaces that say codes.
``loads(data, fast=True)`` parses with orjson first (the monthly sync's million lines) and
only re-reads strictly a line that may hold a duplicate key.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from omni_privacy.core.errors import Problem, Refused, Words, define, gettext_noop

MAX_DEPTH = 32

TOO_DEEP = define(
    "json.too_deep",
    gettext_noop("nested deeper than %(limit)s levels"),
)
DUPLICATE_KEY = define(
    "json.duplicate_key",
    gettext_noop("the key %(key)s appears twice in one object"),
)

# The standard library parser's fixed reasons, so that a "not valid JSON (reason …)" refusal
# reads in French too (the reasons that quote a character stay as the library writes them).
STDLIB_REASONS = (
    gettext_noop("Expecting value"),
    gettext_noop("Expecting property name enclosed in double quotes"),
    gettext_noop("Expecting ':' delimiter"),
    gettext_noop("Expecting ',' delimiter"),
    gettext_noop("Unterminated string starting at"),
    gettext_noop("Invalid \\uXXXX escape"),
    gettext_noop("Extra data"),
)


def reason(error: json.JSONDecodeError) -> Words | Problem:
    """Why ``error``'s text is not valid JSON, as a parameter a refusal says in the reader's
    language: this module's own refusal as a problem, the standard library's as words."""
    if isinstance(error, StrictJsonError):
        return Problem(error.code, error.params)
    return Words(error.msg)


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_KEY_BYTES = re.compile(rb'"\s*:')


class StrictJsonError(Refused, orjson.JSONDecodeError):  # orjson's is json.JSONDecodeError's
    """Valid JSON that is refused all the same (too deep, duplicate key)."""

    def __init__(self, code: str, doc: str, pos: int, **params: Any) -> None:
        lineno = doc.count("\n", 0, pos) + 1
        colno = pos - doc.rfind("\n", 0, pos)
        every = {"line": lineno, "column": colno, **params}
        # AppError's own __init__ would reach JSONDecodeError's through the MRO: set both
        # sets of attributes here.
        Exception.__init__(self, code)
        self.code, self.params = code, every
        self.problems = (Problem(code, every, line=lineno),)
        self.msg = Problem(code, every).message
        self.doc, self.pos, self.lineno, self.colno = doc, pos, lineno, colno

    def __str__(self) -> str:
        return self.msg

    def __reduce__(self) -> tuple[Any, ...]:  # pickled across the sync's worker processes
        return (_rebuild, (self.code, self.doc, self.pos, dict(self.params)))


def _rebuild(code: str, doc: str, pos: int, params: dict[str, Any]) -> StrictJsonError:
    extra = {k: v for k, v in params.items() if k not in ("line", "column")}
    return StrictJsonError(code, doc, pos, **extra)


def _check_depth(text: str) -> None:
    blanked = _STRINGS.sub(lambda m: " " * len(m[0]), text)
    depth = 0
    for bracket in _BRACKETS.finditer(blanked):
        depth += 1 if bracket[0] in "[{" else -1
        if depth > MAX_DEPTH:
            raise StrictJsonError(TOO_DEEP, text, bracket.start(), limit=MAX_DEPTH)


def _pairs(text: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                # The hook does not know positions: point at the key's second written form.
                quoted = json.dumps(key)
                first = text.find(quoted)
                second = text.find(quoted, first + 1) if first >= 0 else -1
                raise StrictJsonError(DUPLICATE_KEY, text, max(second, 0), key=quoted[:80])
            out[key] = value
        return out

    return hook


def loads(data: str | bytes, *, fast: bool = False) -> Any:
    """``data`` as a JSON value, or ``StrictJsonError`` (too deep, duplicate key) or
    ``json.JSONDecodeError`` (not JSON). Bytes must be UTF-8 (``UnicodeDecodeError``)."""
    if fast:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        value = orjson.loads(raw)  # orjson refuses nesting past 1024 itself
        if len(_KEY_BYTES.findall(raw)) == _keys(value) and _depth_ok(value):
            return value
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    _check_depth(text)
    return json.loads(text, object_pairs_hook=_pairs(text))


def _keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_keys(item) for item in value.values())
    if isinstance(value, list):
        return sum(_keys(item) for item in value)
    return 0


def _depth_ok(value: Any, depth: int = 1) -> bool:
    if isinstance(value, dict | list) and depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(_depth_ok(item, depth + 1) for item in value.values())
    if isinstance(value, list):
        return all(_depth_ok(item, depth + 1) for item in value)
    return True
