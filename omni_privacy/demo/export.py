"""The demo customer instance's user-profile export (issue 14 point 7): what a customer's
Omni-Assistant instance would answer the monthly sync, for `make run` only.

It lists the instance's live software profiles that hold a role, as the registry has them,
plus two fictional newcomers (example.com), in the JSON-lines format intake/pull.py reads. A
user id is derived from the address, so that the same person keeps the same id from one
export to the next, and a newcomer, once synced, is listed once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from typing import Any

import orjson
from django.urls import reverse

from omni_privacy.registry.models import Holding, HoldingState, Instance

SOURCE = "software_profile"
EXPORT_FILE = "export.jsonl"
NEWCOMERS: tuple[dict[str, Any], ...] = (
    {
        "full_name": "Maude Gagnon-Lévesque",
        "email": "maude.gagnon.levesque@example.com",
        "preferred_language": "fr",
        "roles": ["security_incident_contact"],
    },
    {
        "full_name": "Owen Fairbanks",
        "email": "owen.fairbanks@example.org",
        "preferred_language": "en",
        "roles": ["update_notice_subscriber"],
    },
)


def demo_export_path(instance_code: str) -> str:
    return reverse("demo_instance_export", args=[instance_code])


def demo_export_token() -> str:
    return secrets.token_urlsafe(24)


def is_demo_export(instance: Instance) -> bool:
    """Only an instance whose export URL is this application's own demo export is served."""
    return instance.export_url.endswith(demo_export_path(instance.code))


def _user_id(email: str) -> str:
    return "demo-" + hashlib.sha256(email.lower().encode()).hexdigest()[:16]


def demo_export_lines(instance: Instance) -> Iterator[bytes]:
    seen: set[str] = set()
    profiles = (
        Holding.objects.filter(
            instance=instance, source=SOURCE, state=HoldingState.ACTIVE, email__isnull=False
        )
        .exclude(roles=[])
        .order_by("id")
        .values_list("full_name", "email", "preferred_language", "roles")
    )
    rows: list[dict[str, Any]] = [
        {"full_name": name or "", "email": email, "preferred_language": language or "fr",
         "roles": list(roles)}
        for name, email, language, roles in profiles
    ]  # fmt: skip
    for row in [*rows, *NEWCOMERS]:
        user_id = _user_id(str(row["email"]))
        if user_id in seen:
            continue
        seen.add(user_id)
        yield orjson.dumps({"user_id": user_id, **row}) + b"\n"
