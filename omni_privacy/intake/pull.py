"""Fetch an instance's user-profile snapshot over HTTP(S) (notice §2.4 scenario 1).

The export answers ``GET export_url`` with ``Authorization: Bearer <token>``, as JSON lines
(``application/x-ndjson``, ``application/json``) or CSV (``text/csv``); failing a content type,
the URL's suffix decides. The body is spooled to a temporary file before anything is applied,
so a connection cut half-way is a refused sync, never half a snapshot.
"""

from __future__ import annotations

import http.client
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
from typing import IO

from omni_privacy.core.crypto import unseal
from omni_privacy.core.errors import Refused, define, gettext_noop
from omni_privacy.intake.domain.snapshot import SnapshotError, detect_format
from omni_privacy.registry.models import Instance

TIMEOUT_SECONDS = 30
_SPOOL_BYTES = 8 * 1024 * 1024
_TYPES = {
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/json": "jsonl",
    "text/csv": "csv",
}


NO_URL = define(
    "pull.no_url", gettext_noop("the instance has no export URL (omni-privacy instances add --url)")
)
UNKNOWN_TYPE = define(
    "pull.unknown_type",
    gettext_noop("unknown snapshot type %(media)s: use .jsonl, .ndjson, .json or .csv"),
)
CLOSED = define(
    "pull.closed", gettext_noop("truncated: the connection closed after %(size)s bytes")
)
TOKEN_REFUSED = define(
    "pull.token_refused", gettext_noop("the instance refused the token (HTTP %(code)s)")
)
HTTP_ERROR = define("pull.http_error", gettext_noop("the instance answered HTTP %(code)s"))
TIMEOUT = define("pull.timeout", gettext_noop("no answer from the instance within %(seconds)s s"))
UNREACHABLE = define("pull.unreachable", gettext_noop("cannot reach the instance (%(reason)s)"))
SHORT = define("pull.short", gettext_noop("truncated: received %(received)s of %(expected)s bytes"))


class PullError(Refused):
    """The export could not be fetched; the code says why (never the token)."""


def _format(content_type: str, url: str) -> str:
    media = content_type.split(";", 1)[0].strip().lower()
    if media in _TYPES:
        return _TYPES[media]
    try:
        return detect_format(url.split("?", 1)[0])
    except SnapshotError as error:
        raise PullError(UNKNOWN_TYPE, {"media": media or "-"}) from error


def fetch_snapshot(
    instance: Instance, *, timeout: float = TIMEOUT_SECONDS
) -> tuple[IO[bytes], str]:
    """The snapshot's bytes (a temporary file, at its start) and its format."""
    if not instance.export_url:
        raise PullError(NO_URL)
    headers = {"Accept": "application/x-ndjson, text/csv", "User-Agent": "omni-privacy-sync"}
    if instance.token_sealed:
        headers["Authorization"] = f"Bearer {unseal(instance.token_sealed)}"
    request = urllib.request.Request(instance.export_url, headers=headers)  # noqa: S310 - http(s) only, checked on registration
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 - handed to the caller
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            fmt = _format(response.headers.get("Content-Type", ""), instance.export_url)
            expected = response.headers.get("Content-Length")
            shutil.copyfileobj(response, spool)
    except PullError:
        spool.close()
        raise
    except http.client.IncompleteRead as error:
        spool.close()
        raise PullError(CLOSED, {"size": len(error.partial)}) from error
    except urllib.error.HTTPError as error:
        spool.close()
        error.close()  # the error is the response: its socket is still open
        if error.code in (401, 403):
            raise PullError(TOKEN_REFUSED, {"code": error.code}) from error
        raise PullError(HTTP_ERROR, {"code": error.code}) from error
    except TimeoutError as error:
        spool.close()
        raise PullError(TIMEOUT, {"seconds": f"{timeout:g}"}) from error
    except (urllib.error.URLError, OSError) as error:
        spool.close()
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError | socket.timeout):
            raise PullError(TIMEOUT, {"seconds": f"{timeout:g}"}) from error
        raise PullError(UNREACHABLE, {"reason": reason.__class__.__name__}) from error
    received = spool.tell()
    if expected is not None and expected.isdigit() and int(expected) != received:
        spool.close()
        raise PullError(SHORT, {"received": received, "expected": int(expected)})
    spool.seek(0)
    return spool, fmt
