"""`omni-privacy import FILE.jsonl`: every line checked first, then all of it or nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.services import audit_verify
from omni_privacy.registry.models import (
    Holding,
    Instance,
    Organization,
    Person,
    Subscription,
)
from omni_privacy.registry.selectors import organization_facts, person_by_email

AS_OF = "2026-11-25"


def org(code: str = "acme", **extra: Any) -> dict[str, Any]:
    return {
        "type": "organization",
        "id": code,
        "name": f"{code.title()} Inc.",
        "subscriptions": [{"start": "2022-01-01", "end": "2024-12-31"}],
        "purchasing_group_contracts": [{"start": "2023-01-01", "end": None}],
        **extra,
    }


def holding(**extra: Any) -> dict[str, Any]:
    line = {
        "type": "holding",
        "source": "sales",
        "organization": "acme",
        "person": {
            "full_name": "Léa Tremblay",
            "email": "lea@example.com",
            "phone": "+1 514 555 0100",
            "preferred_language": "fr",
        },
        "purpose": "sales_information",
        "legal_basis": "consent",
        "channel": "email",
        "collected_at": "2024-03-01",
        "last_contact_at": "2024-03-01",
        "roles": [],
    }
    line.update(extra)
    return line


def profile(**extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "source": "software_profile",
        "organization": "initech",
        "person": {
            "full_name": "Sam Admin",
            "email": "sam@example.org",
            "preferred_language": "en",
        },
        "purpose": "communication_obligations",
        "legal_basis": "contract",
        "channel": "monthly_sync",
        "collected_at": "2025-01-15",
        "last_contact_at": None,
        "roles": ["system_administrator"],
    }
    return holding(**{**fields, **extra})


def service_call() -> dict[str, Any]:
    """A customer-service call of 2024-06-10 at acme (it needs a subscription that day)."""
    return holding(
        source="customer_service",
        purpose="service_obligations",
        legal_basis="contract",
        channel="phone",
        collected_at="2024-06-10",
        last_contact_at=None,
    )


GOOD = [
    org("acme"),
    org("initech", subscriptions=[{"start": "2023-01-01", "end": None}]),
    holding(),
    holding(
        source="customer_service",
        purpose="service_obligations",
        legal_basis="contract",
        channel="phone",
        collected_at="2024-06-10",
        last_contact_at=None,
    ),
    profile(instance="initech-prod"),
    holding(
        organization="initech",
        person={"full_name": "Kim Buyer", "email": "kim@example.com"},
        contacted_us=False,
        collected_at="2025-02-01",
        last_contact_at=None,
    ),
]


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Organization, Subscription, Instance, Person, Holding, AuditEvent)
    }


def run_import(path, *, as_of: str = AS_OF) -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    failure = None
    with translation.override("en"):
        try:
            call_command("import_jsonl", str(path), "--as-of", as_of, stdout=out, stderr=err)
        except CommandError as exc:
            failure = exc
    return out.getvalue(), err.getvalue(), failure


@pytest.mark.django_db
def test_good_file_imports_and_the_audit_chain_verifies(write_jsonl) -> None:
    out, err, failure = run_import(write_jsonl(GOOD))
    assert (failure, err) == (None, "")
    assert out == "organisations: 2 created, 0 updated; holdings: 4 recorded, 0 updated\n"
    assert counts() == {
        "Organization": 2,
        "Subscription": 2,
        "Instance": 1,
        "Person": 3,
        "Holding": 4,
        "AuditEvent": 4,
    }
    assert audit_verify() == (4, None)
    lea = person_by_email("lea@example.com")
    assert lea is not None
    assert sorted(lea.holdings.values_list("source", "phone", "retention_rule")) == [
        ("customer_service", "+15145550100", "service_not_renewed"),
        ("sales", "+15145550100", "sales_last_contact"),
    ]
    sam = Holding.objects.get(source="software_profile")
    assert (sam.instance.code, sam.instance.organization.code, sam.roles) == (
        "initech-prod",
        "initech",
        ["system_administrator"],
    )
    # Issue 18 point 4: the holdings are recorded set-based, one audit event per batch naming
    # the counts and every holding it wrote.
    assert list(AuditEvent.objects.order_by("sequence").values_list("actor", "action")) == [
        ("cli", "organization.created"),
        ("cli", "organization.created"),
        ("cli", "instance.created"),
        ("cli", "holdings.imported"),
    ]
    batch = AuditEvent.objects.get(action="holdings.imported").payload
    assert (batch["recorded"], batch["updated"]) == (4, 0)
    assert sorted(batch["holdings"]) == sorted(
        str(public_id) for public_id in Holding.objects.values_list("public_id", flat=True)
    )


@pytest.mark.django_db
def test_reimport_updates_instead_of_duplicating(write_jsonl) -> None:
    path = write_jsonl(GOOD)
    run_import(path)
    before = counts()
    out, err, failure = run_import(path)
    assert (failure, err) == (None, "")
    assert out == "organisations: 0 created, 2 updated; holdings: 0 recorded, 4 updated\n"
    assert counts() == {**before, "AuditEvent": before["AuditEvent"] + 3}
    assert audit_verify() == (7, None)


@pytest.mark.django_db
def test_a_line_repeated_in_one_file_updates_the_holding_it_recorded(write_jsonl) -> None:
    out, _err, failure = run_import(write_jsonl([org(), holding(), holding()]))
    assert failure is None
    assert out == "organisations: 1 created, 0 updated; holdings: 1 recorded, 1 updated\n"
    assert Holding.objects.count() == 1


@pytest.mark.django_db
def test_bad_lines_are_all_listed_and_nothing_is_written(write_jsonl) -> None:
    run_import(write_jsonl([org("globex", subscriptions=[])], name="first.jsonl"))
    before = counts()
    lines = [
        *GOOD[:3],
        '{"type": "holding", "source": "sales",',  # line 4: not JSON
        *GOOD[3:5],
        holding(collected_at="01/03/2024"),  # line 7
        GOOD[5],
        holding(organization="globex", channel="fax"),  # line 9
        holding(organization="globex"),
    ]
    out, err, failure = run_import(write_jsonl(lines))
    assert out == ""
    assert err.splitlines() == [
        (
            "line 4: (line): is not valid JSON (Expecting property name enclosed in double quotes "
            "at column 39)"
        ),
        "line 7: collected_at: must be a date as YYYY-MM-DD",
        (
            "line 9: channel: channel 'fax' is not how source sales collects "
            "(expected email, form, phone)"
        ),
    ]
    assert str(failure) == "3 problems: nothing was imported"
    assert counts() == before


@pytest.mark.django_db
def test_phone_on_a_software_profile_is_refused(write_jsonl) -> None:
    bad = profile(
        person={"full_name": "Sam Admin", "email": "sam@example.org", "phone": "+1 514 555 0199"}
    )
    _out, err, failure = run_import(write_jsonl([GOOD[1], bad]))
    assert err.splitlines() == [
        (
            "line 2: person.phone: source software_profile may not hold this field "
            "(notice §2.1 ¶2, §2.4 scenario 1)"
        )
    ]
    assert failure is not None
    assert counts()["Organization"] == 0


@pytest.mark.django_db
def test_software_profile_without_roles_is_refused(write_jsonl) -> None:
    _out, err, _failure = run_import(write_jsonl([GOOD[1], profile(roles=[])]))
    assert err.splitlines() == [
        (
            "line 2: roles: a software_profile holding needs one of the roles "
            "system_administrator, update_notice_subscriber, security_incident_contact "
            "(notice §2.1 ¶2, §2.4 scenario 1)"
        )
    ]


@pytest.mark.django_db
def test_profile_whose_roles_were_withdrawn_is_recorded_for_deletion(write_jsonl) -> None:
    line = profile(roles=[], role_removed_at="2026-10-01")
    _out, _err, failure = run_import(write_jsonl([GOOD[1], line]))
    assert failure is None
    assert Holding.objects.values_list("retention_rule", "due_at", "deadline_at").get() == (
        "profile_role_removed",
        dt.date(2026, 10, 1),
        dt.date(2026, 11, 30),
    )


@pytest.mark.django_db
def test_unknown_organisation_is_refused(write_jsonl) -> None:
    lines = [holding(organization="initech"), org("initech"), holding(organization="umbrella")]
    _out, err, _failure = run_import(write_jsonl(lines))
    assert err.splitlines() == [
        "line 1: organization: unknown organisation 'initech': define it on an earlier line",
        "line 3: organization: unknown organisation 'umbrella': define it on an earlier line",
    ]


@pytest.mark.django_db
def test_gate_uses_the_organisation_as_the_file_leaves_it(write_jsonl) -> None:
    # In the database acme never subscribed; the file's later line gives it a subscription,
    # so a service call on an earlier line is allowed (facts after the organisation lines).
    run_import(write_jsonl([org(subscriptions=[])], name="first.jsonl"))
    service = service_call()
    out, err, failure = run_import(write_jsonl([service, org()]))
    assert (failure, err) == (None, "")
    assert out == "organisations: 0 created, 1 updated; holdings: 1 recorded, 0 updated\n"
    acme = Organization.objects.get(code="acme")
    assert organization_facts(acme).subscribed_on(dt.date(2024, 6, 10))


@pytest.mark.django_db
def test_a_later_line_that_ends_a_subscription_refuses_an_earlier_holding(write_jsonl) -> None:
    # The file is read once, each holding gated with its organisation as it stands at that
    # line; a later line that changes the organisation sends the file through the gate again
    # with the final facts: the refusal is reported once, and nothing is written.
    run_import(write_jsonl([org()], name="first.jsonl"))
    before = counts()
    service = service_call()
    _out, err, failure = run_import(write_jsonl([service, holding(), org(subscriptions=[])]))
    assert err.splitlines() == [
        (
            "line 1: organization: has no subscription on 2024-06-10: a service call needs one "
            "(notice §2.1 ¶3, §3 ¶2)"
        )
    ]
    assert str(failure) == "1 problem: nothing was imported"
    assert counts() == before


@pytest.mark.django_db
def test_a_file_of_many_batches_is_applied_whole(write_jsonl, monkeypatch) -> None:
    from omni_privacy.registry import importer

    monkeypatch.setattr(importer, "BATCH", 2)
    people = [
        holding(person={"full_name": f"Person {k}", "email": f"p{k}@example.com"}) for k in range(5)
    ]
    before = counts()
    out, err, failure = run_import(write_jsonl([org(), *people, people[0]]))
    assert (failure, err) == (None, "")
    assert out == "organisations: 1 created, 0 updated; holdings: 5 recorded, 1 updated\n"
    assert counts()["Holding"] == before["Holding"] + 5
    batches = AuditEvent.objects.filter(action="holdings.imported").order_by("id")
    assert [(e.payload["recorded"], e.payload["updated"]) for e in batches] == [
        (2, 0), (2, 0), (1, 1),
    ]  # fmt: skip
    assert audit_verify()[1] is None


@pytest.mark.django_db
def test_json_only_the_standard_library_reads_is_checked_as_any_line(write_jsonl) -> None:
    # orjson refuses an integer beyond 64 bits; the line is then read by the standard library
    # and refused for what it says, not as "not JSON".
    path = write_jsonl([org()])
    with path.open("a", encoding="utf-8") as out:
        out.write('{"type": "holding", "contacted_us": 123456789012345678901234567890}\n')
    _out, err, _failure = run_import(path)
    assert "line 2: contacted_us: must be true or false" in err.splitlines()


@pytest.mark.django_db
def test_structure_errors_name_their_key(write_jsonl) -> None:
    lines = [
        org("acme", subscriptions=[{"start": "2024-01-01"}], colour="red"),
        org("bad code!", name=""),
        {"type": "person"},
        ["not", "an", "object"],
        org("globex"),
        holding(
            organization="globex",
            person={"email": "x@example.com", "fax": "1"},
            roles="admin",
            contacted_us="yes",
            last_contact_at=20240301,
        ),
        holding(
            organization="globex",
            source="customer_service",
            contacted_us=True,
            purpose="service_obligations",
            legal_basis="contract",
        ),
        {"type": "holding"},
    ]
    _out, err, _failure = run_import(write_jsonl(lines))
    assert err.splitlines() == [
        "line 1: colour: unknown key",
        "line 1: subscriptions[0].end: is required (null when ongoing)",
        "line 2: name: must be a non-empty string",
        "line 3: type: must be organization or holding",
        "line 4: (line): must be a JSON object",
        "line 6: person.fax: unknown key",
        "line 6: last_contact_at: must be a date as YYYY-MM-DD",
        "line 6: roles: must be a list of role identifiers",
        "line 6: contacted_us: must be true or false",
        "line 7: contacted_us: only applies to the sales source",
        "line 8: source: is required",
        "line 8: organization: is required",
        "line 8: purpose: is required",
        "line 8: legal_basis: is required",
        "line 8: channel: is required",
        "line 8: person: is required",
        "line 8: collected_at: is required",
    ]
    assert counts()["Organization"] == 0


@pytest.mark.django_db
def test_bad_organisation_code_and_periods(write_jsonl) -> None:
    lines = [
        org("bad code!"),
        org("acme", subscriptions=[{"start": "2024-01-01", "end": "2023-01-01"}]),
        holding(organization="bad code!"),
    ]
    _out, err, _failure = run_import(write_jsonl(lines))
    # The holding of a refused organisation is not refused a second time for it.
    assert err.splitlines() == [
        "line 1: id: must be letters, digits, - or _",
        "line 2: subscriptions[0].end: is before start",
    ]


@pytest.mark.django_db
def test_instance_of_another_organisation_is_refused(write_jsonl) -> None:
    run_import(
        write_jsonl(
            [
                org("initech", subscriptions=[{"start": "2023-01-01", "end": None}]),
                profile(instance="shared"),
            ],
            name="first.jsonl",
        )
    )
    lines = [
        org("hooli", subscriptions=[{"start": "2023-01-01", "end": None}]),
        profile(organization="hooli", instance="shared"),
    ]
    _out, err, _failure = run_import(write_jsonl(lines))
    assert err.splitlines() == ["line 2: instance: belongs to another organisation"]


@pytest.mark.django_db
def test_missing_file_and_bad_as_of(tmp_path) -> None:
    _out, _err, failure = run_import(tmp_path / "absent.jsonl")
    assert str(failure) == f"{tmp_path / 'absent.jsonl'}: no such file"
    _out, _err, failure = run_import(tmp_path / "absent.jsonl", as_of="yesterday")
    assert str(failure) == "--as-of must be a date as YYYY-MM-DD, not 'yesterday'"


@pytest.mark.django_db
def test_not_utf8_and_blank_lines(tmp_path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        b"\n" + '{"type": "organization", "id": "acme", "name": "Caf\xe9"}\n'.encode("latin-1")
    )
    _out, err, _failure = run_import(path)
    assert err.splitlines() == ["line 2: (line): is not valid UTF-8"]


@pytest.mark.django_db
def test_a_refused_file_is_reported_in_french_without_english_line_words(write_jsonl) -> None:
    path = write_jsonl([org(), holding(collected_at="2026-13-01"), "{not json"])
    err = io.StringIO()
    with translation.override("fr"), pytest.raises(CommandError):
        call_command("import_jsonl", str(path), "--as-of", AS_OF, stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("ligne 2\u00a0: collected_at: ")
    assert lines[1].startswith("ligne 3\u00a0: (ligne entière): ")
    assert not any(line.startswith("line ") for line in lines)


@pytest.mark.django_db
def test_every_problem_of_a_refused_file_is_said_in_french(write_jsonl) -> None:
    """Issue 13 point 3: the gate's and the parser's refusals, not only "line N", in French;
    every problem of a bad line is listed."""
    path = write_jsonl(
        [
            org(),
            holding(purpose="marketing", channel="fax", collected_at="2030-01-01"),
            holding(source="software_profile", roles=["chief"], contacted_us=False),
            holding(person={"email": "not-an-address", "full_name": 7}),
            "[1, 2]",
            holding(organization="umbrella", unknown_key=1),
        ]
    )
    said = {}
    for language in ("en", "fr"):
        err = io.StringIO()
        with translation.override(language), pytest.raises(CommandError):
            call_command("import_jsonl", str(path), "--as-of", AS_OF, stderr=err)
        said[language] = err.getvalue().splitlines()
    assert len(said["fr"]) == len(said["en"]) >= 8
    english_words = ("must ", "unknown ", "is not", "is in the future", "not allowed", "line ")
    for french, english in zip(said["fr"], said["en"], strict=True):
        assert french != english
        assert not any(word in french for word in english_words), french
