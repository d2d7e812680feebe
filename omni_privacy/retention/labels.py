"""The words for the retention engine's codes (actions and statuses), shared by every interface
that shows them: the console's pages and the CLI's tables say the same word for one code.

Lazy translations, turned into the reader's language where they are shown; an unknown code is
shown as it is, so that a code added by a newer engine is never hidden.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from omni_privacy.policy.domain.retention import Status

ACTION_LABELS = {
    "delete": _("Delete"),
    "anonymize": _("Anonymize"),
}

# A context keeps the status word apart from the same English word used as a column heading.
STATUS_LABELS = {
    Status.KEPT: pgettext_lazy("retention status", "Kept"),
    Status.SCHEDULED: pgettext_lazy("retention status", "Scheduled"),
    Status.DUE: pgettext_lazy("retention status", "Due"),
    Status.OVERDUE: pgettext_lazy("retention status", "Overdue"),
}

# What `retention check` says of a holding past its due day.
CHECK_LABELS = {
    "late": pgettext_lazy("retention status", "Late"),
    "overdue": pgettext_lazy("retention status", "Overdue"),
    "held": pgettext_lazy("retention status", "Held"),
}

RUN_KIND_LABELS = {
    "sweep": pgettext_lazy("retention run", "Sweep"),
    "replay": pgettext_lazy("retention run", "Replay"),
}

RUN_STATUS_LABELS = {
    "running": pgettext_lazy("retention run", "Running"),
    "finished": pgettext_lazy("retention run", "Finished"),
    "interrupted": pgettext_lazy("retention run", "Interrupted"),
}
