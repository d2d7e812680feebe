"""Checks run right before each send, registered by apps above the outbox (the consent app
registers the suppression and `may_use` check) so that the outbox imports none of them.

Each callable takes the OutboxMessage and returns a short reason not to send (no personal data:
it is stored in ``last_error``) or None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

before_send: list[Callable[[Any], str | None]] = []

# Checks run once before a delivery round, with no argument (the transfers app registers the
# mail relay's assessment, notice §6). A reason holds the whole round back: every message stays
# queued, nothing is lost, and the check itself records the alarm.
before_round: list[Callable[[], str | None]] = []
