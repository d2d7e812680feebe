"""The records of processing from the policy in force and the registers (selectors' side):
the recipients are Omni's infrastructure, the mail relay and the external stores."""

from __future__ import annotations

import csv
import io

from django.conf import settings

from omni_privacy.policy.loader import active_policy
from omni_privacy.registers.domain.ropa import Activity, records_of_processing
from omni_privacy.stores.models import ExternalStore

CSV_COLUMNS = (
    "section", "source", "purpose", "name", "persons", "data", "purpose_text", "legal_bases",
    "retention", "recipients", "transfers", "security",
)  # fmt: skip


def activities(*, language: str) -> list[Activity]:
    policy = active_policy()
    relay = (f"Relais de courriel ({settings.OMNI_SMTP_HOST})",
             f"Mail relay ({settings.OMNI_SMTP_HOST})")  # fmt: skip
    stores = [
        (f"Base de données externe «\u00a0{name}\u00a0»", f"External database “{name}”")
        for name in ExternalStore.objects.order_by("name").values_list("name", flat=True)
    ]
    recipients = {source: [relay, *stores] for source in policy.sources}
    return records_of_processing(policy, language=language, recipients=recipients)


def activities_csv(rows: list[Activity]) -> str:
    """One line per activity; lists joined by " | " (UTF-8, for a spreadsheet)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                " | ".join(value) if isinstance(value, tuple) else value
                for value in (getattr(row, column) for column in CSV_COLUMNS)
            ]
        )
    return out.getvalue()
