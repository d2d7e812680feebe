"""The monthly sync applied from a file (issue 4 items 2-4, 6): only flagged users, only the
three fields, diff semantics, all or nothing on bad input (notice §2.4 scenario 1, §4 ¶1)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.services import audit_verify
from omni_privacy.intake.models import SyncRun
from omni_privacy.intake.services import SyncRefusedError, sync_import
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Holding, Person
from omni_privacy.registry.services import instance_create
from tests.intake.conftest import ADMIN, SECURITY, UPDATES, as_csv, as_jsonl, user
from tests.retention.factory import ACTOR, organization, record, registry_dump
from tests.retention.scan import Identity, scan_django_database

pytestmark = pytest.mark.django_db

OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 11, 15)
LEA = user(101, "Léa Tremblay", "lea.tremblay@example.com")
MARC = user(102, "Marc Gagnon", "marc.gagnon@example.org", "en", (UPDATES, "viewer"))
ZOE = user(103, "Zoé Bouchard", "zoe.bouchard@example.com", roles=("viewer",))
NOOR = user(
    104,
    "Noor Haddad",
    "noor.haddad@example.com",
    "fr-CA",
    (SECURITY,),
    phone="514 555 0199",
    notes="Prefers calls after 3 pm",
)


def apply(instance, users, as_of, fmt="jsonl"):
    data = as_jsonl(users) if fmt == "jsonl" else as_csv(users)
    return sync_import(
        actor=ACTOR, instance=instance, stream=io.BytesIO(data), fmt=fmt, as_of=as_of
    )


def profiles(instance):
    rows = Holding.objects.filter(instance=instance).order_by("full_name")
    return list(
        rows.values_list(
            "full_name",
            "email",
            "preferred_language",
            "roles",
            "state",
            "role_removed_at",
            "due_at",
        )
    )


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_first_sync_keeps_flagged_users_and_three_fields_only(instance, fmt) -> None:
    report = apply(instance, [LEA, MARC, ZOE, NOOR], OCT, fmt)

    assert (report.rows, report.counts) == (
        4,
        {
            "added": 3,
            "updated": 0,
            "restored": 0,
            "scheduled_for_deletion": 0,
            "unchanged": 0,
            "ignored": 1,
        },
    )
    assert profiles(instance) == [
        ("Léa Tremblay", "lea.tremblay@example.com", "fr", [ADMIN], "active", None, None),
        ("Marc Gagnon", "marc.gagnon@example.org", "en", [UPDATES], "active", None, None),
        ("Noor Haddad", "noor.haddad@example.com", "fr", [SECURITY], "active", None, None),
    ]
    holding = Holding.objects.get(email="lea.tremblay@example.com")
    assert (
        holding.source,
        holding.purpose,
        holding.legal_basis,
        holding.channel,
        holding.collected_at,
        holding.phone,
    ) == ("software_profile", "communication_obligations", "contract", "monthly_sync", OCT, None)
    # Zoé (no flagged role), Noor's phone and notes, and every user id: stored nowhere.
    key = settings.OMNI_DIGEST_KEY
    needles = Identity("Zoé Bouchard", "zoe.bouchard@example.com").needles(key)
    needles |= {"5145550199", "prefers calls after 3 pm"}
    assert scan_django_database(needles) == set()
    instance.refresh_from_db()
    assert instance.last_synced_at is not None
    event = AuditEvent.objects.get(action="sync.completed")
    assert event.payload == {
        "run": str(report.run_id),
        "as_of": "2026-10-01",
        "origin": "file",
        "rows": 4,
        "counts": report.counts,
        "file_sha256": report.file_sha256,
    }
    run = SyncRun.objects.get()
    assert (run.status, run.rows, run.counts, run.file_sha256) == (
        "finished",
        4,
        report.counts,
        report.file_sha256,
    )


def test_changes_removals_returns_and_repeats(instance) -> None:
    apply(instance, [LEA, MARC, NOOR], OCT)
    lea_id = Holding.objects.get(email=LEA["email"]).public_id

    renamed = {**LEA, "full_name": "Léa Tremblay-Roy"}
    gone_role = {**MARC, "roles": ["viewer"]}
    new = user(105, "Ana Costa", "ana.costa@example.org", "en", (ADMIN, SECURITY))
    second = apply(instance, [renamed, gone_role, new], NOV)  # Noor left the export

    assert second.counts == {
        "added": 1,
        "updated": 1,
        "restored": 0,
        "scheduled_for_deletion": 2,
        "unchanged": 0,
        "ignored": 0,
    }
    assert profiles(instance) == [
        ("Ana Costa", "ana.costa@example.org", "en", [SECURITY, ADMIN], "active", None, None),
        ("Léa Tremblay-Roy", "lea.tremblay@example.com", "fr", [ADMIN], "active", None, None),
        ("Marc Gagnon", "marc.gagnon@example.org", "en", [], "pending_deletion", NOV, NOV),
        ("Noor Haddad", "noor.haddad@example.com", "fr", [], "pending_deletion", NOV, NOV),
    ]
    marc = Holding.objects.get(email=MARC["email"])
    assert (marc.retention_rule, marc.retention_action, marc.deadline_at) == (
        "profile_role_removed",
        "delete",
        NOV + dt.timedelta(days=60),
    )
    batches = [
        e.payload for e in AuditEvent.objects.filter(action="sync.batch").order_by("sequence")
    ]
    assert batches[-2]["updated"] == {str(lea_id): ["full_name"]}  # a rectification, by field
    assert sorted(batches[-1]["scheduled_for_deletion"]) == sorted(
        str(h.public_id) for h in Holding.objects.filter(state="pending_deletion")
    )

    # Marc's role is back before the deletion happened: kept; Noor stays scheduled from NOV.
    back = apply(instance, [renamed, MARC, new], DEC)
    assert (
        back.counts["restored"],
        back.counts["unchanged"],
        back.counts["scheduled_for_deletion"],
    ) == (1, 2, 0)
    assert Holding.objects.get(email=MARC["email"]).state == "active"
    noor = Holding.objects.get(email=NOOR["email"])
    assert (noor.role_removed_at, noor.due_at) == (NOV, NOV)

    # The same snapshot again changes nothing.
    before = registry_dump()
    again = apply(instance, [renamed, MARC, new], DEC)
    assert again.counts["unchanged"] == 3
    assert {k: v for k, v in registry_dump().items() if k != "registry_instance"} == {
        k: v for k, v in before.items() if k != "registry_instance"
    }
    assert audit_verify()[1] is None


def test_a_new_address_moves_the_holding_to_its_person(instance) -> None:
    apply(instance, [LEA], OCT)
    old = Person.objects.get()
    apply(instance, [{**LEA, "email": "lea.roy@example.com"}], NOV)
    holding = Holding.objects.get()
    assert holding.email == "lea.roy@example.com"
    assert holding.person_id != old.pk
    assert not Person.objects.filter(pk=old.pk).exists()
    assert (
        scan_django_database(
            Identity("x", "lea.tremblay@example.com").needles(settings.OMNI_DIGEST_KEY) - {"x"}
        )
        == set()
    )


def test_a_profile_recorded_before_the_first_sync_is_adopted(instance) -> None:
    earlier = record(
        instance.organization,
        "software_profile",
        LEA["email"],
        collected_at=dt.date(2026, 3, 2),
        full_name="Léa Tremblay",
    )
    report = apply(instance, [LEA], OCT)
    assert (report.counts["added"], report.counts["updated"]) == (0, 1)
    holding = Holding.objects.get()
    assert (holding.pk, holding.instance_id, holding.collected_at) == (
        earlier.pk,
        instance.pk,
        dt.date(2026, 3, 2),
    )


def test_two_profiles_with_one_address_hold_one_profile(instance) -> None:
    twin = {**LEA, "user_id": 999, "roles": [SECURITY]}
    report = apply(instance, [LEA, twin], OCT)
    assert (report.counts["added"], report.counts["ignored"]) == (1, 1)
    assert Holding.objects.get().roles == [ADMIN]


BAD = {
    "duplicate user id": (
        as_jsonl([LEA, {**MARC, "user_id": 101}]),
        ["line 2: user_id: duplicate of line 1"],
    ),
    "invalid email": (
        as_jsonl([LEA, {**MARC, "email": "marc at example"}]),
        ["line 2: email: is not a valid email address"],
    ),
    "wrong encoding": (as_jsonl([LEA]) + "Zoé\n".encode("latin-1"), ["line 2: not UTF-8 text"]),
    "truncated": (
        as_jsonl([LEA]) + b'{"user_id": 7, "full_na',
        ["line 2: truncated: the last line is incomplete"],
    ),
    "missing column": (
        b"user_id,full_name,email,roles\n1,Lea,lea@example.com,\n",
        ["missing columns: preferred_language"],
    ),
    "duplicate and bad line": (
        as_jsonl([LEA, {**MARC, "user_id": 101}]) + b"not json\n" + as_jsonl([ZOE, NOOR]),
        ["line 2: user_id: duplicate of line 1", "line 3: not valid JSON"],
    ),
    "duplicate and gate refusal": (
        as_jsonl([{**LEA, "email": "lea at example"}, MARC, {**NOOR, "user_id": 102}]),
        ["line 1: email: is not a valid email address", "line 3: user_id: duplicate of line 2"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_applies_nothing_and_names_the_line(instance, case) -> None:
    apply(instance, [LEA], OCT)
    data, expected = BAD[case]
    before = registry_dump()
    fmt = "csv" if case == "missing column" else "jsonl"
    with pytest.raises(SyncRefusedError) as refused:
        sync_import(actor=ACTOR, instance=instance, stream=io.BytesIO(data), fmt=fmt, as_of=NOV)
    assert [str(problem) for problem in refused.value.problems] == expected
    assert registry_dump() == before  # nothing applied: not even Léa's removal
    run = refused.value.run
    assert (run.status, [problem.said() for problem in run.refusal()]) == ("failed", expected)
    failed = AuditEvent.objects.get(action="sync.failed")
    assert failed.payload["problems"] == len(expected)
    for value in ("marc at example", "Zoé", "lea@example.com"):
        assert value not in run.problems


def test_an_organisation_without_subscription_cannot_be_synced(db) -> None:
    from omni_privacy.registry.services import instance_create

    prospect = organization("prospect")
    instance = instance_create(actor=ACTOR, organization=prospect, code="prospect-trial")
    with pytest.raises(SyncRefusedError) as refused:
        apply(instance, [LEA], OCT)
    assert str(refused.value).startswith("organization: the organisation has no subscription")
    assert Holding.objects.count() == 0


def _temporary_tables() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relpersistence = 't' AND relkind = 'r'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_temp_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"  # ANALYZE's own statistics table
            )
        return sorted(name for (name,) in cursor.fetchall())


def test_the_staging_tables_are_gone_after_a_sync_applied_or_refused(instance) -> None:
    apply(instance, [LEA, MARC, ZOE], OCT)
    assert _temporary_tables() == []
    with pytest.raises(SyncRefusedError):
        apply(instance, [LEA, {**MARC, "user_id": 101}], NOV)
    assert _temporary_tables() == []
    report = apply(instance, [LEA, ZOE], NOV)  # the connection is still usable
    assert report.counts["scheduled_for_deletion"] == 1


def test_a_renamed_user_keeps_their_address_person_and_holding(instance) -> None:
    apply(instance, [LEA, MARC], OCT)
    before = Holding.objects.get(email=LEA["email"])
    report = apply(instance, [{**LEA, "full_name": "Léa  Tremblay-Roy "}, MARC], NOV)
    assert (report.counts["updated"], report.counts["unchanged"]) == (1, 1)
    after = Holding.objects.get(email=LEA["email"])
    assert (after.pk, after.person_id, after.full_name) == (
        before.pk,
        before.person_id,
        "Léa Tremblay-Roy",
    )
    assert Person.objects.count() == 2


# --- rectified in place: a new name or language on an active holding, set-based -------------

RETENTION = ("retention_rule", "retention_action", "due_at", "deadline_at", "person_id", "roles")


def test_a_new_name_or_language_is_rectified_in_place_with_its_fields(instance) -> None:
    apply(instance, [LEA, MARC, NOOR], OCT)
    held = {h.email: h for h in Holding.objects.filter(instance=instance)}
    report = apply(
        instance,
        [
            {**LEA, "full_name": "Léa Tremblay-Roy", "preferred_language": "en"},
            {**MARC, "preferred_language": "fr"},
            NOOR,
        ],
        NOV,
    )
    assert (report.counts["updated"], report.counts["unchanged"]) == (2, 1)
    after = {h.email: h for h in Holding.objects.filter(instance=instance)}
    lea, marc = after[LEA["email"]], after[MARC["email"]]
    assert (lea.full_name, lea.preferred_language) == ("Léa Tremblay-Roy", "en")
    assert (marc.full_name, marc.preferred_language) == ("Marc Gagnon", "fr")
    for email in (LEA["email"], MARC["email"]):
        # Same person, same roles: the stored retention decision is the one it had.
        assert [getattr(after[email], name) for name in RETENTION] == [
            getattr(held[email], name) for name in RETENTION
        ]
        assert after[email].updated_at > held[email].updated_at
    assert after[NOOR["email"]].updated_at == held[NOOR["email"]].updated_at
    (batch,) = AuditEvent.objects.filter(action="sync.batch").order_by("-sequence")[:1]
    assert batch.payload["updated"] == {
        str(lea.public_id): ["full_name", "preferred_language"],
        str(marc.public_id): ["preferred_language"],
    }
    assert audit_verify()[1] is None


def test_a_name_the_gate_refuses_refuses_the_snapshot_in_place_too(instance) -> None:
    apply(instance, [LEA, MARC], OCT)
    before = registry_dump()
    with pytest.raises(SyncRefusedError) as refused:
        apply(instance, [{**LEA, "full_name": "Léa " + "x" * 300}, MARC], NOV)
    assert [str(p) for p in refused.value.problems] == [
        "line 1: full_name: is longer than 200 characters"
    ]
    assert registry_dump() == before


def test_changed_roles_or_address_go_through_the_services_not_in_place(instance) -> None:
    apply(instance, [LEA, MARC], OCT)
    report = apply(
        instance,
        [{**LEA, "roles": [ADMIN, SECURITY]}, {**MARC, "email": "marc.g@example.org"}],
        NOV,
    )
    assert report.counts["updated"] == 2
    batch = AuditEvent.objects.filter(action="sync.batch").order_by("-sequence").first()
    assert sorted(batch.payload["updated"].values()) == [["email"], ["roles"]]
    assert sorted(Holding.objects.get(email=LEA["email"]).roles) == sorted([ADMIN, SECURITY])


def test_a_row_the_gate_would_store_otherwise_is_demoted_to_the_services(
    instance, monkeypatch
) -> None:
    """Staging normalises as the gate does; should they ever disagree, the gate's answer is
    what is stored, through the one-by-one path."""
    import dataclasses

    from omni_privacy.intake import services

    apply(instance, [LEA], OCT)
    offer = services._offer

    def shouting(row, policy, work, held_emails):
        profile = offer(row, policy, work, held_emails)
        return dataclasses.replace(profile, full_name=profile.full_name.upper())

    monkeypatch.setattr(services, "_offer", shouting)
    report = apply(instance, [{**LEA, "full_name": "Léa Roy"}], NOV)
    assert report.counts["updated"] == 1
    assert Holding.objects.get().full_name == "LÉA ROY"


def test_a_user_still_without_a_role_is_unchanged_and_keeps_the_first_removal_day(
    instance,
) -> None:
    apply(instance, [LEA, MARC], OCT)
    gone_role = {**MARC, "roles": ["viewer"]}
    apply(instance, [LEA, gone_role], NOV)
    again = apply(instance, [LEA, gone_role, ZOE], DEC)
    assert (
        again.counts["unchanged"],
        again.counts["scheduled_for_deletion"],
        again.counts["ignored"],
    ) == (2, 0, 1)
    marc = Holding.objects.get(email=MARC["email"])
    assert (marc.state, marc.role_removed_at) == ("pending_deletion", NOV)


_snapshot_counter = iter(range(10**6))


@hypothesis_settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(days=st.lists(st.integers(min_value=0, max_value=90), min_size=2, max_size=5))
def test_a_snapshot_never_moves_the_clock_backwards(db, days) -> None:
    """Issue 12 case 2 as a property: whatever order snapshots arrive in, the days applied to an
    instance never decrease, and a refused one changes nothing."""
    acme = organization("acme", Interval(dt.date(2020, 1, 1)))
    instance = instance_create(
        actor=ACTOR, organization=acme, code=f"acme-{next(_snapshot_counter)}"
    )
    applied: list[dt.date] = []
    for offset in days:
        as_of = dt.date(2026, 1, 1) + dt.timedelta(days=offset)
        users = [user(1, "Ana", "ana.prop@example.com")] if offset % 2 else []
        before = profiles(instance)
        try:
            apply(instance, users, as_of)
        except SyncRefusedError:
            assert applied
            assert as_of < max(applied)
            assert profiles(instance) == before
            continue
        assert not applied or as_of >= max(applied)
        applied.append(as_of)
    finished = SyncRun.objects.filter(instance=instance, status="finished")
    assert list(finished.order_by("started_at", "id").values_list("as_of", flat=True)) == applied


def test_every_refusal_the_sync_writes_is_said_in_french(instance) -> None:
    """Issue 13 point 3 (replaces the old message-matching translation): each refused run
    keeps codes, and a French reader of the run reads French, never the English words."""
    from django.utils import translation

    apply(instance, [LEA], OCT)
    for case, (data, expected) in sorted(BAD.items()):
        fmt = "csv" if case == "missing column" else "jsonl"
        with pytest.raises(SyncRefusedError) as refused:
            sync_import(actor=ACTOR, instance=instance, stream=io.BytesIO(data), fmt=fmt, as_of=NOV)
        run = SyncRun.objects.get(pk=refused.value.run.pk)
        assert run.problem_codes
        assert all("message" not in item for item in run.problem_codes)
        with translation.override("en"):
            assert [problem.said() for problem in run.refusal()] == expected, case
        with translation.override("fr"):
            french = [problem.said() for problem in run.refusal()]
        assert all(said not in expected for said in french), (case, french)
        assert not any(said.startswith("line ") for said in french), (case, french)
