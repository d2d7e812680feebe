"""The consent ledger, the suppression list and may_use, on the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from omni_privacy.audit.models import AuditEvent
from omni_privacy.consent.models import AppendOnlyError, ConsentEvent, Suppression
from omni_privacy.consent.selectors import consent_history, is_suppressed, may_use, use_decision
from omni_privacy.consent.services import consent_record, suppression_add
from omni_privacy.core.digest import email_digest
from omni_privacy.core.errors import InvalidInputError
from tests.mailings.factory import People, build_people

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=3)
NOW = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


@pytest.fixture
def people() -> People:
    return build_people()


def _give(person, *, given: bool, at: dt.datetime, version: str = "2", language: str = "en"):
    return consent_record(
        person=person,
        purpose="sales_information",
        given=given,
        notice_identifier="QAC-REC-004",
        notice_version=version,
        language=language,
        channel="form",
        at=at,
        actor="test",
    )


def test_the_ledger_answers_who_consented_under_which_notice_version(people: People) -> None:
    fay = people.person("fay")
    assert may_use(person=fay, purpose="sales_information", at=NOW) is False
    _give(fay, given=True, at=T0, version="2", language="en")
    assert may_use(person=fay, purpose="sales_information", at=NOW) is True
    _give(fay, given=False, at=T1, version="3", language="fr")
    assert may_use(person=fay, purpose="sales_information", at=NOW) is False
    assert may_use(person=fay, purpose="sales_information", at=T0 + dt.timedelta(hours=1))
    history = consent_history(person=fay)
    assert [(v.given, v.notice_version, v.language, v.channel, v.occurred_at) for v in history] == [
        (True, "2", "en", "form", T0),
        (False, "3", "fr", "form", T1),
    ]
    assert consent_history(person=fay, purpose="communication_obligations") == []
    events = AuditEvent.objects.filter(action__startswith="consent.").order_by("sequence")
    assert [(e.action, e.object_id, e.payload["notice"]) for e in events] == [
        ("consent.given", str(fay.public_id), "QAC-REC-004 v2"),
        ("consent.withdrawn", str(fay.public_id), "QAC-REC-004 v3"),
    ]


def test_a_purpose_not_held_is_never_usable(people: People) -> None:
    ana = people.person("ana")
    assert may_use(person=ana, purpose="communication_obligations", at=NOW) is True
    assert use_decision(person=ana, purpose="sales_information", at=NOW).reason == "no_holding"


def test_consent_record_names_bad_fields_and_writes_nothing(people: People) -> None:
    with pytest.raises(InvalidInputError) as refused:
        consent_record(
            person=people.person("fay"),
            purpose="marketing",
            given=True,
            notice_identifier="",
            notice_version="2",
            language="de",
            channel="fax",
            at=T0,
        )
    assert [e.field for e in refused.value.errors] == [
        "purpose",
        "channel",
        "language",
        "notice_identifier",
    ]
    assert ConsentEvent.objects.count() == 0


def test_the_ledger_and_suppressions_are_append_only(people: People) -> None:
    event = _give(people.person("fay"), given=True, at=T0)
    suppression = suppression_add(
        email="ben@example.com", scope="all", reason="asked by phone", source="console", at=T0
    )
    for row in (event, suppression):
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
    # Behind the models' back, the database triggers refuse too.
    for model in (ConsentEvent, Suppression):
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.update(actor="someone else")
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.all().delete()
    assert ConsentEvent.objects.get().actor == "test"
    assert Suppression.objects.count() == 1


def test_suppressions_by_digest_and_scope(people: People) -> None:
    ben = people.person("ben")
    added = suppression_add(
        email="  Ben@EXAMPLE.com ",
        scope="communication_obligations",
        reason="objection by email",
        source="objection",
        at=T0,
    )
    assert added.email_digest == email_digest("Ben@example.com".lower()) == ben.email_digest
    assert is_suppressed(email="ben@example.com", purpose="communication_obligations") is True
    assert is_suppressed(email="ben@example.com", purpose="service_obligations") is False
    assert may_use(person=ben, purpose="communication_obligations", at=NOW) is False
    # The same objection again is the same suppression; nothing is stored in clear.
    again = suppression_add(
        email="ben@example.com",
        scope="communication_obligations",
        reason="twice",
        source="objection",
        at=T1,
    )
    assert (again.pk, Suppression.objects.count()) == (added.pk, 1)
    event = AuditEvent.objects.get(action="suppression.added")
    assert event.payload == {
        "digest": ben.email_digest,
        "scope": "communication_obligations",
        "source": "objection",
    }


def test_direct_marketing_objection_is_absolute_for_sales_only(people: People) -> None:
    fay = people.person("fay")
    _give(fay, given=True, at=T0)
    suppression_add(
        email="fay@example.com", scope="direct_marketing", reason="", source="gpc", at=T1
    )
    assert may_use(person=fay, purpose="sales_information", at=NOW) is False
    assert is_suppressed(email="fay@example.com", purpose="sales_information") is True
    assert is_suppressed(email="fay@example.com", purpose="service_obligations") is False


def test_suppression_add_names_bad_fields(people: People) -> None:
    with pytest.raises(InvalidInputError) as refused:
        suppression_add(email="not an address", scope="all", reason="", source="gpc", at=T0)
    assert [e.field for e in refused.value.errors] == ["email"]
    with pytest.raises(InvalidInputError) as refused:
        suppression_add(
            email="ben@example.com", scope="newsletters", reason="x" * 201, source="web", at=T0
        )
    assert [e.field for e in refused.value.errors] == ["scope", "source", "reason"]
    assert Suppression.objects.count() == 0
