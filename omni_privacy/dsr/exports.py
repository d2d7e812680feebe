"""Reports and exports for the person (access, portability), stored sealed under VAR_DIR and
handed out by a signed link that expires (OMNI_DSR_LINK_DAYS, default 7 days)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.core import signing

from omni_privacy.core.crypto import seal, unseal
from omni_privacy.dsr.models import ExportFile, RightsRequest

SALT = "omni_privacy.dsr.download"
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}
BINARY_KINDS = frozenset({"pdf"})
"""Kinds stored as base64 text inside the sealed file (the seal takes text)."""


def export_dir() -> Path:
    return Path(settings.VAR_DIR) / "dsr-exports"


def link_lifetime() -> dt.timedelta:
    return dt.timedelta(days=int(settings.OMNI_DSR_LINK_DAYS))


def export_store(
    *, request: RightsRequest, kind: str, content: str, now: dt.datetime
) -> ExportFile:
    """Seal ``content`` into a file and record it. Call inside the service's transaction."""
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    public_id = uuid.uuid4()
    path = directory / f"{public_id}.{kind}.sealed"
    path.write_text(seal(content), encoding="ascii")
    return ExportFile.objects.create(
        public_id=public_id,
        request=request,
        kind=kind,
        path=path.name,
        expires_at=now + link_lifetime(),
    )


def export_token(export: ExportFile) -> str:
    return signing.dumps(str(export.public_id), salt=SALT)


def export_open(token: str, *, now: dt.datetime) -> tuple[ExportFile, str] | None:
    """The export a link points to, with its content, or None when the link is forged, has
    expired, or the file was purged."""
    try:
        public_id = signing.loads(token, salt=SALT, max_age=link_lifetime())
    except signing.BadSignature:
        return None
    export = (
        ExportFile.objects.filter(public_id=public_id, purged_at__isnull=True)
        .select_related("request")
        .first()
    )
    if export is None or export.expires_at < now:
        return None
    path = export_dir() / export.path
    if not path.exists():
        return None
    return export, unseal(path.read_text(encoding="ascii"))


def export_delete(export: ExportFile, *, now: dt.datetime) -> None:
    (export_dir() / export.path).unlink(missing_ok=True)
    export.purged_at = now
    export.save(update_fields=["purged_at", "updated_at"])
