"""The words for a campaign's codes (its kind, its state), shared by the console's mailing pages
and `omni-privacy mailings list`. Lazy translations, said in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

KINDS = {
    "software_update": _("Software update notice"),
    "security_incident": _("Security incident alert"),
    "notice_change": _("Notice change announcement"),
}
STATES = {
    "draft": pgettext_lazy("campaign state", "Draft"),
    "sending": pgettext_lazy("campaign state", "Sending"),
    "sent": pgettext_lazy("campaign state", "Sent"),
    "refused": pgettext_lazy("campaign state", "Refused"),
}
NO_RECIPIENT = pgettext_lazy("campaign state", "Closed, no recipient")
