"""The refusals of transfers and mergers in words (core/errors.py define())."""

from __future__ import annotations

from omni_privacy.core.errors import define, gettext_noop
from omni_privacy.transfers.domain import rules

define(
    rules.NOT_REGISTERED,
    gettext_noop(
        "Transfer refused: %(recipient)s is not in the recipients register (notice §6). "
        "Register it and record its privacy impact assessment first."
    ),
)
define(
    rules.NOT_ASSESSED,
    gettext_noop(
        "Transfer refused: %(recipient)s has no approved privacy impact assessment (notice §6, "
        "QC s.17)."
    ),
)
define(
    rules.NOT_ADEQUATE,
    gettext_noop(
        "Transfer refused: the assessment of %(recipient)s does not conclude that the protection "
        "is adequate (QC s.17)."
    ),
)
define(
    rules.NO_AGREEMENT,
    gettext_noop(
        "Transfer refused: no written agreement is recorded with %(recipient)s (QC s.17)."
    ),
)
define(
    rules.NOT_YET,
    gettext_noop("Transfer refused: the written agreement with %(recipient)s is not in force yet."),
)
define(
    rules.EXPIRED,
    gettext_noop(
        "Transfer refused: the assessment of %(recipient)s is past its re-assessment date. "
        "Assess it again."
    ),
)
define(
    rules.MERGER_NO_AGREEMENT,
    gettext_noop("Record the QC s.18.4 agreement with the other party first."),
)
define(
    rules.MERGER_UNTOLD,
    gettext_noop("Export refused: affected persons not told yet: %(count)s (notice §7)."),
)
define(
    rules.MERGER_WAITING,
    gettext_noop("Export refused: the waiting period after the notices ends on %(day)s."),
)
define(rules.MERGER_DONE, gettext_noop("This transaction was already exported."))
AGREEMENT_TERMS = define(
    "merger_agreement_terms",
    gettext_noop("Confirm each of the four terms of the QC s.18.4 agreement."),
)
WRONG_STATE = define("merger_wrong_state", gettext_noop("This step is not open at this stage."))
NOT_BUYER = define(
    "merger_buyer_kind", gettext_noop("The buyer must be a recipient of kind buyer.")
)
RECIPIENT_EXISTS = define(
    "transfer_recipient_exists", gettext_noop("A recipient of that kind and key is registered.")
)
