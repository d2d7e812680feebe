"""A per-installation secret kept in var/ so a fresh clone needs no set-up."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def local_secret(path: Path) -> str:
    """Return the secret stored at ``path``, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    # O_EXCL: if two processes start together, the second reads what the first wrote.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value
