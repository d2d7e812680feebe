"""Characters a name may not hold (issue 15 §8). Pure.

Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) make a name display in
another order than it is stored ("Trojan Source"): a name read on a page, a letter or an
export would not be the name searched for or erased. Zero-width characters (U+200B-U+200D,
U+2060, U+FEFF) make two names that look the same differ, so a person's holdings would not
match. Neither belongs in a person's name; both are refused with their own code.
"""

from __future__ import annotations

import re

from omni_privacy.core.errors import define, gettext_noop

NAME_INVISIBLE = define(
    "name.invisible",
    gettext_noop(
        "contains an invisible or direction-changing character (U+%(codepoint)s), "
        "which a name may not hold"
    ),
)

_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")


def invisible_character(text: str) -> str | None:
    """The first bidirectional-override or zero-width character of ``text`` as its code
    point (``"202E"``), or None."""
    found = _INVISIBLE.search(text)
    return None if found is None else f"{ord(found[0]):04X}"
