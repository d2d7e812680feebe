"""Form validators over core's pure text rules, for the portal's and console's forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from omni_privacy.core.errors import words
from omni_privacy.core.text import NAME_INVISIBLE, invisible_character


def no_invisible_character(value: str) -> None:
    """Refuses a name holding a bidirectional-override or zero-width character."""
    codepoint = invisible_character(value)
    if codepoint is not None:
        raise ValidationError(words(NAME_INVISIBLE, {"codepoint": codepoint}), code=NAME_INVISIBLE)
