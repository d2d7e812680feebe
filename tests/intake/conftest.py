"""Sync fixtures: an organisation with an instance, snapshots written as files, and a real
HTTP export server on loopback."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Instance
from omni_privacy.registry.services import instance_create
from tests.retention.factory import ACTOR, organization

ADMIN = "system_administrator"
UPDATES = "update_notice_subscriber"
SECURITY = "security_incident_contact"


def user(uid: Any, name: str, email: str, language: str = "fr", roles=(ADMIN,), **extra: Any):
    return {
        "user_id": uid,
        "full_name": name,
        "email": email,
        "preferred_language": language,
        "roles": list(roles),
        **extra,
    }


def as_jsonl(users: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(u, ensure_ascii=False) + "\n" for u in users).encode()


def as_csv(users: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    columns = ["user_id", "full_name", "email", "preferred_language", "roles", "department"]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for u in users:
        writer.writerow({**u, "roles": ";".join(u["roles"]), "department": "IT"})
    return out.getvalue().encode()


@pytest.fixture
def instance(db) -> Instance:
    acme = organization("acme", Interval(dt.date(2020, 1, 1)))
    return instance_create(actor=ACTOR, organization=acme, code="acme-prod")


@pytest.fixture
def snapshot(tmp_path: Path) -> Callable[..., Path]:
    def _write(data: bytes, name: str = "users.jsonl") -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write


TOKEN = "export-token-for-tests-only"
USERS = [
    user(1, "Léa Tremblay", "lea.tremblay@example.com"),
    user(2, "Marc Gagnon", "marc.gagnon@example.org", "en", ("viewer",)),
]


class Export(BaseHTTPRequestHandler):
    """Serves /users.jsonl and /users.csv to the right token; /broken answers 500, /slow waits,
    /truncated promises more bytes than it sends."""

    seen_tokens: list[str] = []

    def do_GET(self) -> None:
        Export.seen_tokens.append(self.headers.get("Authorization", ""))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.send_error(401)
            return
        if self.path == "/broken":
            self.send_error(500)
            return
        if self.path == "/slow":
            time.sleep(2)
        body, kind = (
            (as_csv(USERS), "text/csv")
            if self.path.endswith(".csv")
            else (as_jsonl(USERS), "application/x-ndjson")
        )
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header(
            "Content-Length", str(len(body) + (100 if self.path == "/truncated" else 0))
        )
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """The timeout test hangs up on /slow before it answers: expected, not an error."""


@pytest.fixture
def export_server() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), Export)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Export.seen_tokens = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
