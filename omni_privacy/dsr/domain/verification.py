"""One-time codes (notice §9.2, REQUIREMENTS #23): six digits, 15 minutes, five tries. Pure:
the code's randomness and the clock come in from the caller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

CODE_DIGITS = 6
CODE_LIFETIME = dt.timedelta(minutes=15)
MAX_TRIES = 5


class CodeCheck(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"
    USED = "used"


@dataclass(frozen=True)
class CodeState:
    issued_at: dt.datetime
    tries: int
    used: bool


def well_formed(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def judge(state: CodeState, *, matches: bool, now: dt.datetime) -> CodeCheck:
    """What one attempt at the code means. The attempt itself counts as a try."""
    if state.used:
        return CodeCheck.USED
    if state.tries >= MAX_TRIES:
        return CodeCheck.EXHAUSTED
    if now > state.issued_at + CODE_LIFETIME:
        return CodeCheck.EXPIRED
    return CodeCheck.OK if matches else CodeCheck.WRONG
