from tests.dsr.conftest import smtp  # noqa: F401 - the loopback SMTP server, a fixture

# Notice §6: the served database's mail relay is assessed, as the demo data or an officer
# assesses it in production; without it the outbox holds every round back (transfers app).
ASSESS_RELAY = """
import datetime as dt
from django.conf import settings
from omni_privacy.transfers.models import Conclusion, Recipient
Recipient.objects.create(
    kind="mail_relay", key=settings.OMNI_MAIL_RELAY_KEY, name="relay",
    jurisdiction="Québec, Canada", sensitivity="low", purposes="the notice's purposes",
    protection_measures="TLS", legal_framework="Quebec private-sector act",
    conclusion=Conclusion.ADEQUATE, assessed_on=dt.date(2000, 1, 1),
    approved_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), agreement_reference="TEST",
    agreement_date=dt.date(2000, 1, 1), reassess_on=dt.date(2099, 12, 31),
)
"""
