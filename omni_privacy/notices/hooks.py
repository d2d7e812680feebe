"""What happens after a notice version is published (notice §11: "we will notify you of any
change"), without the notices app knowing who listens.

``on_publish`` is a list of callables taking the published ``NoticeVersion``. ``notice_publish``
calls each one in ``transaction.on_commit``: once the publication is committed, never when it
rolls back. The mailings app appends its notice-change announcement here (in its
``AppConfig.ready``), so that notices imports nothing above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from omni_privacy.notices.models import NoticeVersion

on_publish: list[Callable[[NoticeVersion], Any]] = []
