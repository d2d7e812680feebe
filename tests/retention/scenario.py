"""The erasure scenario shared by the in-process tests and the restore tests (which build it in
a subprocess: `omni-privacy shell -c "from tests.retention.scenario import populate; populate()"`).

On 2026-11-25 (AS_OF):
- Zéphyrine: one customer-service holding of an organisation that did not renew: anonymised;
- Barnabé: a software profile there (deleted) and a sales contact of a non-subscriber who
  asked for deletion (deleted): nothing of him remains;
- Ondine: a customer-service holding there (anonymised) and a recent sales contact (kept).
"""

from __future__ import annotations

import datetime as dt

from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Holding, Organization
from tests.retention.factory import organization, record, request_erasure
from tests.retention.scan import Identity

AS_OF = dt.date(2026, 11, 25)
ZEPHYRINE = Identity("Zéphyrine Quillfeather", "Zephyrine.Quillfeather@example.com", "514 555 0142")
BARNABE = Identity("Barnabé Oakenshaw", "barnabe.oakenshaw@example.org", "+1 438 555 0177")
ONDINE = Identity("Ondine Marchbank", "ondine.marchbank@example.com", "819 555 0163")
ERASED = (ZEPHYRINE, BARNABE)
# What the run of AS_OF does to the scenario.
COUNTS = {
    "profile_subscription_not_renewed": {"delete": 1},
    "sales_erasure_request": {"delete": 1},
    "service_not_renewed": {"anonymize": 2},
}


def _holding(
    who: Identity, org: Organization, source: str, collected: dt.date, email: str = ""
) -> Holding:
    return record(
        org,
        source,
        email or who.email,
        collected_at=collected,
        full_name=who.full_name,
        phone=who.phone,
    )


def populate() -> dict[str, Holding]:
    nordik = organization("nordik", Interval(dt.date(2020, 1, 1), dt.date(2026, 6, 30)))
    prospect = organization("prospect")
    made = {
        # Mixed case: the registry normalises the domain only; the scan ignores case.
        "zephyrine": _holding(
            ZEPHYRINE,
            nordik,
            "customer_service",
            dt.date(2025, 6, 17),
            "Zephyrine.Quillfeather@EXAMPLE.com",
        ),
        "barnabe_profile": _holding(BARNABE, nordik, "software_profile", dt.date(2024, 2, 9)),
        "barnabe_sales": _holding(BARNABE, prospect, "sales", dt.date(2025, 2, 3)),
        "ondine_service": _holding(ONDINE, nordik, "customer_service", dt.date(2025, 9, 30)),
        "ondine_sales": _holding(ONDINE, prospect, "sales", dt.date(2026, 10, 1)),
    }
    barnabe = made["barnabe_sales"].person
    assert barnabe is not None
    request_erasure(barnabe, dt.date(2026, 9, 15))
    return made
