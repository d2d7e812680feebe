"""Rights-request fixtures: a real SMTP server on loopback (aiosmtpd) that keeps every
message, a frozen clock, people in the registry, and privacy officers."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller

from omni_privacy.accounts.models import Team, User
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.domain.gate import HoldingCandidate
from omni_privacy.registry.models import Holding
from omni_privacy.registry.services import OrganizationInput, holding_record, organization_upsert
from tests.factories import PURPOSE_AND_BASIS, StaffFactory
from tests.ops.conftest import run  # noqa: F401 - the command runner, a fixture

TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("America/Toronto"))
PASSWORD = "correct-horse-battery-staple-42"


@dataclass
class Mailbox:
    """What the loopback SMTP server received, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)
    in_process: bool = True

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """What reached ``address``, after a delivery round of the outbox (in-process tests
        queue their tasks in the database; the worker's round is run here)."""
        if self.in_process:
            from omni_privacy.outbox.delivery import outbox_deliver_due

            outbox_deliver_due()
        return [m for m in self.messages if address in str(m["To"])]

    def subjects(self, address: str) -> list[str]:
        # A long encoded subject is folded over lines; the reader sees one line.
        return [" ".join(str(m["Subject"]).split()) for m in self.to(address)]

    def last_code(self, address: str) -> str:
        body = self.to(address)[-1].get_content()
        match = re.search(r"^ {4}(\d{6})\r?$", body, re.MULTILINE)
        assert match is not None, body
        return match[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1; the outbox delivers to it."""
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's self-test cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.OMNI_MAIL_DELIVERY = "smtp"
    settings.OMNI_SMTP_HOST = "127.0.0.1"
    settings.OMNI_SMTP_PORT = port
    settings.OMNI_SMTP_TLS = "none"
    settings.OMNI_SMTP_USER = ""
    settings.OMNI_SMTP_RATE = 0
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def officer(db) -> User:
    return StaffFactory(
        username="pat.officer",
        password=PASSWORD,
        officer=True,
        email="pat@example.com",
        first_name="Pat",
        last_name="Gagnon",
    )


@pytest.fixture
def second_officer(db) -> User:
    return StaffFactory(
        username="dominique.qa", password=PASSWORD, officer=True, email="dom@example.com"
    )


@pytest.fixture
def sales_user(db) -> User:
    return StaffFactory(username="sam.sales", password=PASSWORD, team=Team.SALES)


def candidate(source: str, email_address: str, **values) -> HoldingCandidate:
    purpose, basis = PURPOSE_AND_BASIS[source]
    return HoldingCandidate(
        source=source,
        purpose=purpose,
        legal_basis=values.pop("legal_basis", basis),
        channel=values.pop("channel", "monthly_sync" if source == "software_profile" else "email"),
        collected_at=values.pop("collected_at", dt.date(2025, 3, 4)),
        email=email_address,
        full_name=values.pop("full_name", "Camille Tremblay"),
        preferred_language=values.pop("preferred_language", "fr"),
        **values,
    )


@dataclass(frozen=True)
class People:
    camille_service: Holding  # acme (subscribed): customer service, kept while subscribed
    camille_sales: Holding  # globex (never subscribed): sales, erasable on request
    camille_profile: Holding  # acme: software profile (monthly sync), not portable


@pytest.fixture
def people(db) -> People:
    acme = organization_upsert(
        actor="test",
        data=OrganizationInput(
            code="acme", name="Outils Acme", subscriptions=(Interval(dt.date(2020, 1, 1)),)
        ),
        as_of=TODAY,
    )
    globex = organization_upsert(
        actor="test", data=OrganizationInput(code="globex", name="Globex"), as_of=TODAY
    )
    address = "camille@example.com"
    return People(
        camille_service=holding_record(
            actor="test",
            organization=acme,
            candidate=candidate("customer_service", address, phone="+1 514 555 0123"),
            today=TODAY,
        ),
        camille_sales=holding_record(
            actor="test",
            organization=globex,
            candidate=candidate("sales", address, channel="form"),
            today=TODAY,
        ),
        camille_profile=holding_record(
            actor="test",
            organization=acme,
            candidate=candidate("software_profile", address, roles=("system_administrator",)),
            today=TODAY,
        ),
    )


@pytest.fixture
def service_user(db) -> User:
    return StaffFactory(username="cleo.service", password=PASSWORD, team=Team.CUSTOMER_SERVICE)
