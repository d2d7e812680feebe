"""How the console names retention records: runs, legal holds and the codes of the
anonymisation register (Quebec anonymisation regulation: the register says what was anonymised,
by which technique, under which security measures; notice §4-§5).

Pure presentation: codes in, translatable labels out. An unknown code is shown as it is, so that
a code added by a newer engine is never hidden.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from omni_privacy.console.labels import policy_label
from omni_privacy.policy.domain.schema import Policy

TECHNIQUE_LABELS = {
    "suppression": _("Suppression: direct identifiers deleted, not masked or encrypted"),
    "generalisation": _("Generalisation: dates coarsened to the month"),
    "unlinking": _(
        "Unlinking: holding and person records deleted; the facts kept are stored apart, "
        "with new identifiers, in random order and by month only"
    ),
}

SECURITY_MEASURE_LABELS = {
    "same_transaction": _("Identifiers removed in the transaction that records the event"),
    "no_identifiers_in_audit": _("Audit log entries hold identifiers only, no personal data"),
    "keyed_digest_ledger": _(
        "The erasure ledger keeps a keyed digest of the email address, never the address"
    ),
    "access_control": _("Only privacy officers see the register and the legal holds"),
}

RISK_ANALYSIS_LABELS = {
    "very_low_org_level_facts": _(
        "Very low re-identification risk: only organisation-level facts are kept"
    ),
}

# Holding columns named by the register that the policy file does not label (the personal
# fields are labelled there: full name, email address, telephone, preferred language).
COLUMN_LABELS = {
    "roles": _("Profile roles"),
    "person": _("Link to the person"),
    "instance": _("Link to the customer instance"),
    "public_id": _("Holding identifier"),
    "collected_at": _("Collection date"),
    "last_contact_at": _("Last contact date"),
    "role_removed_at": _("Role removal date"),
    "organization": _("Organisation"),
    "source": _("Source"),
    "purpose": _("Purpose"),
    "legal_basis": _("Legal basis"),
    "channel": _("Channel"),
    "collected_month": _("Collection month"),
    "anonymised_month": _("Anonymisation month"),
    "retention_rule": _("Retention rule"),
}


def code_label(table: dict, code: str) -> str:
    return str(table.get(code, code))


def column_label(name: str, policy: Policy) -> str:
    if name in policy.fields:
        return policy_label(policy.fields, name)
    return code_label(COLUMN_LABELS, name)
