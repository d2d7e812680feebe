"""Checks run right before each send, registered by apps above the outbox (the consent app
registers the suppression and `may_use` check) so that the outbox imports none of them.

Each callable takes the OutboxMessage and returns a short reason not to send (no personal data:
it is stored in ``last_error``) or None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

before_send: list[Callable[[Any], str | None]] = []
