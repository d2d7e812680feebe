"""The recipients register's words, shared by the console and the CLI (notice §6)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from omni_privacy.transfers.models import RecipientKind

KIND_WORDS = {
    RecipientKind.INFRASTRUCTURE: _("Omni's infrastructure"),
    RecipientKind.MAIL_RELAY: _("Mail relay"),
    RecipientKind.STORE: _("External store"),
    RecipientKind.PORTABILITY: _("Portability third party"),
    RecipientKind.BUYER: _("Merger buyer"),
}
