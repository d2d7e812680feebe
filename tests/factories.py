"""factory_boy factories for the models most tests need, built through the owning services.

Holdings and people are written only by registry's services, rights requests by dsr's, so
the factories call those services (``_create``) rather than saving rows themselves: a test
gets what production would have written, audit events included. Everything is fictional and
on example.com.

    officer = StaffFactory(officer=True)
    acme = OrganisationFactory(code="acme", subscriptions=(Interval(dt.date(2022, 1, 1)),))
    holding = HoldingFactory(organization=acme, source="customer_service")
    person = PersonFactory(email="lea@example.com")
    rights = RightsRequestFactory(kind="access", received_on=dt.date(2026, 11, 25))
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from omni_privacy.accounts.models import Team, User
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.registry.domain.gate import HoldingCandidate
from omni_privacy.registry.models import Holding, Organization, Person
from omni_privacy.registry.services import OrganizationInput, holding_record, organization_upsert

DAY = dt.date(2026, 11, 25)

# What each source collects for by default (the shipped notice's pairs; tests override them).
PURPOSE_AND_BASIS = {
    "customer_service": ("service_obligations", "contract"),
    "sales": ("sales_information", "consent"),
    "administrative": ("order_and_account", "contract"),
    "software_profile": ("communication_obligations", "contract"),
}


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff account; ``StaffFactory(officer=True)`` is in the privacy office."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    team = Team.SALES
    password = None

    class Params:
        officer = factory.Trait(team=Team.PRIVACY_OFFICE)

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return model_class.objects.create_user(*args, **kwargs)


class OrganisationFactory(factory.Factory):
    """An organisation with its subscription periods, through ``organization_upsert``."""

    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())
    subscriptions: tuple[Any, ...] = ()
    purchasing_group_contracts: tuple[Any, ...] = ()
    as_of = DAY

    @classmethod
    def _create(cls, model_class: type[Organization], *args: Any, **kwargs: Any) -> Organization:
        as_of = kwargs.pop("as_of")
        return organization_upsert(actor="test", data=OrganizationInput(**kwargs), as_of=as_of)

    _build = _create


class HoldingFactory(factory.Factory):
    """One holding (and its person, found again by email), through ``holding_record``.

    Any :class:`HoldingCandidate` field may be given; purpose and basis default to the
    source's usual pair and the channel to the one the source collects through.
    """

    class Meta:
        model = Holding

    organization = factory.SubFactory(OrganisationFactory)
    source = "customer_service"
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = "Camille Tremblay"
    preferred_language = "fr"
    collected_at = dt.date(2025, 3, 4)
    today = DAY

    @classmethod
    def _create(cls, model_class: type[Holding], *args: Any, **kwargs: Any) -> Holding:
        organization, today = kwargs.pop("organization"), kwargs.pop("today")
        source = kwargs["source"]
        purpose, basis = PURPOSE_AND_BASIS[source]
        kwargs.setdefault("purpose", purpose)
        kwargs.setdefault("legal_basis", basis)
        kwargs.setdefault("channel", "monthly_sync" if source == "software_profile" else "email")
        if source == "software_profile":
            kwargs.setdefault("roles", ("system_administrator",))
        return holding_record(
            actor="test",
            organization=organization,
            candidate=HoldingCandidate(**kwargs),
            today=today,
        )

    _build = _create


class PersonFactory(factory.Factory):
    """A person held under one source (registry writes people only with a holding)."""

    class Meta:
        model = Person

    holding = factory.SubFactory(HoldingFactory)

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        return kwargs["holding"].person

    _build = _create


class RightsRequestFactory(factory.Factory):
    """A rights request as the portal records it, through ``dsr_request_submit``."""

    class Meta:
        model = RightsRequest

    kind = "access"
    email = factory.Sequence(lambda n: f"requester{n}@example.com")
    language = "fr"
    jurisdiction = "quebec"
    received_on = DAY
    now = factory.LazyAttribute(
        lambda o: dt.datetime.combine(o.received_on, dt.time(10), tzinfo=dt.UTC)
    )

    @classmethod
    def _create(cls, model_class: type[RightsRequest], *args: Any, **kwargs: Any) -> Any:
        from omni_privacy.dsr.services import dsr_request_submit

        return dsr_request_submit(**kwargs)

    _build = _create


def assessed_recipient(kind: str, key: str, *, reassess_on: dt.date | None = None) -> Any:
    """A recipient of the transfers register (notice §6) with a current, approved assessment and
    agreement. Written directly, without an audit event, because tests/conftest.py makes one
    for the mail relay and each external store in every database test (so that mail and
    connectors flow as in production, where the demo data or an officer assessed them) and
    tests that count audit events must not see it. Tests of the enforcement itself opt out
    with ``@pytest.mark.transfers_unassessed``."""
    from omni_privacy.transfers.models import Conclusion, Recipient

    recipient, _ = Recipient.objects.update_or_create(
        kind=kind,
        key=key,
        defaults={
            "name": key,
            "jurisdiction": "Québec, Canada",
            "sensitivity": "names, emails, languages: low",
            "purposes": "the notice's purposes",
            "protection_measures": "TLS; contract clauses",
            "legal_framework": "Quebec private-sector act",
            "conclusion": Conclusion.ADEQUATE,
            "assessed_on": dt.date(2000, 1, 1),
            "approved_at": dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
            "agreement_reference": "TEST-AGREEMENT",
            "agreement_date": dt.date(2000, 1, 1),
            "reassess_on": reassess_on or dt.date(2099, 12, 31),
        },
    )
    return recipient


# Notice §6: the served database's mail relay is assessed, as the demo data or an officer
# assesses it in production; without it the outbox holds every round back (transfers app).
ASSESS_RELAY = """  # run by `omni-privacy shell -c` in a served database
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
