"""The words for a rights request's codes (its right, its state, the law it is counted under),
shared by the console's pages and the CLI's listings: one word for one code everywhere staff
read it. Lazy translations; the letters to the person carry their own (dsr/letters.py), in the
request's language rather than the reader's.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

KIND_LABELS = {
    "access": _("Access"),
    "rectification": _("Rectification"),
    "objection": _("Objection"),
    "erasure": _("Erasure"),
    "portability": _("Portability"),
    "withdrawal": _("Consent withdrawal"),
}
STATE_LABELS = {
    "received": _("Received"),
    "awaiting_verification": _("Awaiting verification"),
    "verified": _("Verified"),
    "in_progress": _("In progress"),
    "fulfilled": _("Fulfilled"),
    "partially_fulfilled": _("Partially fulfilled"),
    "denied": _("Denied"),
    "withdrawn": _("Withdrawn"),
    "expired": _("Expired"),
}
JURISDICTION_LABELS = {
    "quebec": _("Quebec (30 days, no extension)"),
    "pipeda": _("Canada, PIPEDA (30 days, +30 with notice)"),
    "gdpr": _("GDPR (one month, +2 months with notice)"),
}
# The law's short name, where a table has no room for the deadline it sets.
LAW_LABELS = {
    "quebec": pgettext_lazy("law", "Quebec"),
    "pipeda": pgettext_lazy("law", "PIPEDA"),
    "gdpr": pgettext_lazy("law", "GDPR"),
}
