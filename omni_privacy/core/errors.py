"""Errors as codes, words at the edge.

Domain code and services never write a sentence for a person. They raise one of the four
application errors below (or :class:`InvalidInputError`, a refusal with a list of problems),
each carrying a **code** and its **parameters**. Each interface (console, portal, API, CLI)
turns codes into the reader's words with :func:`words`, through gettext, in French or English.

A code is declared once, next to the rule that raises it, with its English template::

    from django.utils.translation import gettext_noop
    from omni_privacy.core.errors import define

    EMAIL_INVALID = define("email.invalid", gettext_noop("is not a valid email address"))

``define`` returns the code itself (a plain string), so raising reads
``raise Refused(EMAIL_INVALID)`` or ``Problem(EMAIL_INVALID, field="email", line=12)``. The
template's ``%(name)s`` placeholders are filled from the parameters; ``makemessages`` finds the
template through ``gettext_noop``. A code nobody defined is shown as the code itself, never as
a crash: that is a bug to fix, not a reason to hide the error.

Parameters are values a reader may see (a line number, a day, a column name, a count); they
must never be personal data (an address, a name), because errors reach logs and audit rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

_TEMPLATES: dict[str, tuple[str, str | None]] = {}


def _identity(text: str) -> str:
    return text


def _identity_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


# Domain code imports this module and must stay plain Python (no Django), so the translation
# functions are plugged in by ``core.apps.CoreConfig.ready`` (Django's gettext and ngettext).
_gettext: Callable[[str], str] = _identity
_ngettext: Callable[[str, str, int], str] = _identity_plural


def use_translation(
    gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]
) -> None:
    """Say errors through ``gettext``/``ngettext`` (called once, when Django starts)."""
    global _gettext, _ngettext
    _gettext, _ngettext = gettext, ngettext


def gettext_noop(text: str) -> str:
    """Marks an English template for ``makemessages`` (which knows this name) in code that may
    not import Django; the words are looked up when the error is said."""
    return text


def define(code: str, template: str, plural: str | None = None) -> str:
    """Declare ``code`` with its English ``template`` (marked with ``gettext_noop``).

    With ``plural``, the words are chosen by the ``count`` parameter through ``ngettext``
    (mark both with ``gettext_noop``). Declaring the same code twice with other words is a
    programming error.
    """
    known = _TEMPLATES.get(code)
    if known is not None and known != (template, plural):
        raise RuntimeError(f"error code {code!r} is defined twice with different words")
    _TEMPLATES[code] = (template, plural)
    return code


def is_defined(code: str) -> bool:
    return code in _TEMPLATES


def template_of(code: str) -> str | None:
    """The English template of ``code`` (for tests and docs), or ``None``."""
    known = _TEMPLATES.get(code)
    return None if known is None else known[0]


class Words(str):
    """A parameter that is itself words from a fixed vocabulary (marked with
    ``gettext_noop`` where it is defined, e.g. the standard JSON parser's reasons), said in
    the reader's language with the message around it."""

    __slots__ = ()


def _said_param(value: Any) -> Any:
    """A parameter as the reader reads it: fixed words and nested problems in their language."""
    if isinstance(value, Words):
        return _gettext(value)
    if isinstance(value, Problem):
        return value.message
    return value


def _format(template: str, params: Mapping[str, Any]) -> str:
    said = {key: _said_param(value) for key, value in params.items()}
    try:
        return template % said if "%(" in template else template
    except (KeyError, ValueError, TypeError):
        return template


def words(code: str, params: Mapping[str, Any] | None = None) -> str:
    """``code`` in the active language, its parameters filled in."""
    params = params or {}
    known = _TEMPLATES.get(code)
    if known is None:
        return code
    template, plural = known
    if plural is not None:
        count = params.get("count", 1)
        return _format(_ngettext(template, plural, int(count)), params)
    return _format(_gettext(template), params)


# Marked for makemessages by core/apps.py (this module may not import Django).
LINE_TEMPLATE = "line %(number)s: %(problem)s"
FIELD_TEMPLATE = "%(field)s: %(message)s"
WHOLE_LINE = "(line)"
"""The ``field`` of a problem about a whole line of a file (not JSON, not UTF-8), said as
« (ligne entière) » in French."""


@dataclass(frozen=True)
class Problem:
    """One problem: a code with its parameters, and where it is (a field, a line).

    ``field`` is a dotted path in the input (``person.email``, ``roles[1]``); ``line`` is a
    1-based line of an input file. Either may be empty.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    field: str = ""
    line: int | None = None

    @property
    def message(self) -> str:
        """The problem in the active language, without its place."""
        return words(self.code, self.params)

    def said(self) -> str:
        """The problem in the active language, with its line and field."""
        text = self.message
        if self.field:
            where = _gettext(WHOLE_LINE) if self.field == WHOLE_LINE else self.field
            text = _gettext(FIELD_TEMPLATE) % {"field": where, "message": text}
        if self.line is not None:
            text = _gettext(LINE_TEMPLATE) % {"number": self.line, "problem": text}
        return text

    def as_dict(self) -> dict[str, Any]:
        """For ``--json`` and the API: the code and its place, plus the words."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            out["field"] = self.field
        if self.line is not None:
            out["line"] = self.line
        if self.params:
            out["params"] = {key: _plain(value) for key, value in self.params.items()}
        return out

    def stored(self) -> dict[str, Any]:
        """What a record keeps of the problem (a refused sync run): the code and its place,
        never words, so that each reader reads it in their own language."""
        out = self.as_dict()
        del out["message"]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Problem:
        """The problem :meth:`stored` or :meth:`as_dict` wrote."""
        return cls(
            str(data["code"]),
            dict(data.get("params") or {}),
            field=str(data.get("field") or ""),
            line=data.get("line"),
        )

    def __str__(self) -> str:
        return self.said()


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


class AppError(Exception):
    """The root of every error an interface turns into words.

    ``code`` names what happened; ``params`` fill its template; ``problems`` list the details
    when there are several (every bad line of a file, every bad field of a form).
    """

    default_code = "error"

    def __init__(
        self,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
        *,
        problems: Iterable[Problem] = (),
    ) -> None:
        self.code = code or self.default_code
        self.params: Mapping[str, Any] = dict(params or {})
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.code)

    @property
    def message(self) -> str:
        return words(self.code, self.params)

    def said(self) -> list[str]:
        """The error and each of its problems, in the active language, one per item."""
        lines = [self.message] if is_defined(self.code) or not self.problems else []
        lines.extend(problem.said() for problem in self.problems)
        return lines

    def __str__(self) -> str:
        return "; ".join(self.said())


class Refused(AppError):  # noqa: N818 (the four kinds read as what happened)
    """The input or the state does not allow this; nothing was written."""

    default_code = "refused"


class NotAllowed(AppError):  # noqa: N818
    """This person may not do this."""

    default_code = "not_allowed"


class NotFound(AppError):  # noqa: N818
    """What was asked for does not exist (or may not be seen, which reads the same)."""

    default_code = "not_found"


class Conflict(AppError):  # noqa: N818
    """Someone else changed it first, or it is already in the state asked for."""

    default_code = "conflict"


class InvalidInputError(Refused):
    """Raised by services when input is refused; nothing has been written.

    ``errors`` lists the problems (:class:`Problem`).
    """

    default_code = "invalid_input"

    def __init__(self, errors: Iterable[Problem] = (), code: str | None = None) -> None:
        super().__init__(code, problems=errors)

    @property
    def errors(self) -> list[Problem]:
        return list(self.problems)
