"""A real SMTP server on loopback (aiosmtpd), for the outbox and mailings tests."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Received:
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def language(self) -> str:
        return str(self.message["Content-Language"])

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refuse_with: str = ""
    """An SMTP reply to give to DATA instead of accepting ("550 ..." or "451 ...")."""
    hold: threading.Event | None = None
    """When set, DATA waits on it before answering (a server that hangs mid-send)."""
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.arrived.set()
        if self.hold is not None:
            import asyncio

            while not self.hold.is_set():
                await asyncio.sleep(0.05)
        if self.refuse_with:
            return self.refuse_with
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(tuple(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Handler()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    settings.OMNI_MAIL_DELIVERY = "smtp"
    settings.OMNI_SMTP_HOST = "127.0.0.1"
    settings.OMNI_SMTP_PORT = server.port
    settings.OMNI_SMTP_TLS = "none"
    settings.OMNI_SMTP_USER = ""
    settings.OMNI_MAIL_FROM = "Omnitech Innovations <info@omni-assistant.net>"
    settings.OMNI_SMTP_RATE = 0
    try:
        yield server
    finally:
        server.stop()
