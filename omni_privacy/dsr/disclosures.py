"""The package of a disclosure (notice §7; issue 16 point 2): exactly what was released, built
by the access request's own code (readable_holdings, the sealed export files), limited to the
categories disclosed, and audited. The register itself is registers/."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from omni_privacy.audit.services import actor_for, audit_record, person_reads_record
from omni_privacy.core import clock
from omni_privacy.core.crypto import seal, unseal
from omni_privacy.dsr.holdings import readable_holdings
from omni_privacy.registers.models import Disclosure


def package_dir() -> Path:
    return Path(settings.VAR_DIR) / "disclosure-packages"


def disclosure_package(*, disclosure: Disclosure, actor: object) -> str:
    """Render and seal the package (French: what was handed to a Quebec court or agency);
    returns its SHA-256, recorded on the disclosure and in the audit event."""
    categories = set(disclosure.categories)
    people = []
    for person in disclosure.persons.order_by("public_id"):
        holdings = []
        for item in readable_holdings(person=person, as_of=disclosure.disclosed_on, language="fr"):
            fields = [
                shown
                for name, shown in zip(item.row.fields, item.fields, strict=False)
                if name in categories
            ]
            if fields:
                holdings.append((item, fields))
        people.append((person.public_id, holdings))
    with translation.override("fr"):
        html = render_to_string(
            "registers/disclosure_package.html", {"disclosure": disclosure, "people": people}
        )
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    directory = package_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4()}.html.sealed"
    with transaction.atomic():
        (directory / name).write_text(seal(html), encoding="ascii")
        disclosure.package_path = name
        disclosure.package_digest = digest
        disclosure.save(update_fields=["package_path", "package_digest", "updated_at"])
        audit_record(
            actor=actor_for(actor),
            action="disclosure.package",
            object_type="disclosure",
            object_id=str(disclosure.public_id),
            payload={"sha256": digest, "persons": len(people)},
            occurred_at=clock.now(),
        )
    return digest


def disclosure_package_open(*, disclosure: Disclosure, actor: object) -> str | None:
    """The package's HTML, for a privacy officer; the read is audited."""
    path = package_dir() / disclosure.package_path if disclosure.package_path else None
    if path is None or not path.exists():
        return None
    with transaction.atomic():
        audit_record(
            actor=actor_for(actor),
            action="disclosure.package_read",
            object_type="disclosure",
            object_id=str(disclosure.public_id),
            payload={"sha256": disclosure.package_digest},
        )
        # The package holds the data of each person disclosed: one read per person.
        person_reads_record(
            user=actor,
            person_public_ids=disclosure.persons.values_list("public_id", flat=True),
            via="export",
        )
    return unseal(path.read_text(encoding="ascii"))
