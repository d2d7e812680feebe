import datetime as dt
import io

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import translation

from omni_privacy.accounts.models import User
from omni_privacy.accounts.selectors import privacy_officers
from omni_privacy.audit.models import AuditEvent
from omni_privacy.audit.services import audit_verify
from omni_privacy.notices.models import NoticeVersion
from omni_privacy.notices.selectors import current_notice
from omni_privacy.registry.models import Holding, Person


@pytest.mark.django_db
def test_createstaff_creates_an_account_in_its_team_with_an_audit_event():
    call_command(
        "createstaff",
        username="lgagnon",
        team="sales",
        password="a-long-enough-passphrase",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="lgagnon")
    assert user.team == "sales"
    assert authenticate(username="lgagnon", password="a-long-enough-passphrase") == user
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_id, event.payload) == (
        "cli",
        "staff.created",
        str(user.public_id),
        {"team": "sales"},
    )


@pytest.mark.django_db
def test_createstaff_reads_the_password_from_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("another-long-passphrase\n"))
    call_command(
        "createstaff",
        "--password-stdin",
        username="agent",
        team="customer_service",
        stdout=io.StringIO(),
    )
    assert authenticate(username="agent", password="another-long-passphrase").team == (
        "customer_service"
    )


@pytest.mark.django_db
def test_createstaff_refuses_an_unknown_team_naming_the_option():
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("createstaff", username="x", team="marketing", password="whatever-long-1")
    assert str(caught.value) == (
        "--team must be one of customer_service, sales, administration, privacy_office, "
        "not 'marketing'"
    )
    assert User.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_createstaff_refuses_a_weak_password_and_a_taken_username():
    with pytest.raises(CommandError, match=r"^--password: "):
        call_command("createstaff", username="x", team="sales", password="short")
    call_command(
        "createstaff",
        username="x",
        team="sales",
        password="a-long-enough-passphrase",
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError, match=r"^--username"):
        call_command("createstaff", username="x", team="sales", password="a-long-enough-pass")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_bootstrap_fills_an_empty_registry_once_and_creates_the_demo_accounts():
    out = io.StringIO()
    with translation.override("en"):
        call_command("bootstrap", demo=True, as_of="2026-11-25", stdout=out)
    text = out.getvalue()
    assert "Sign in at http://127.0.0.1:8000/console/login/" in text
    assert sorted(User.objects.values_list("username", "team")) == [
        ("admin", "administration"),
        ("officer", "privacy_office"),
        ("qalead", "privacy_office"),
        ("sales", "sales"),
        ("service", "customer_service"),
    ]
    assert "Privacy notice published: QAC-REC-004 v2, in force from 2024-02-08." in text
    notice = current_notice(at=dt.date(2026, 11, 25))
    assert notice is not None
    assert (notice.version, notice.effective_on) == ("2", dt.date(2024, 2, 8))
    assert notice.text_fr.startswith(
        "## 1. But, domaine d\N{RIGHT SINGLE QUOTATION MARK}application et audience\n"
    )
    assert notice.text_en.startswith("## 1. Purpose, scope, and audience\n")
    assert (
        "Chez Omni, le PDG et le chef d\N{RIGHT SINGLE QUOTATION MARK}équipe Assurance Qualité"
        in notice.text_fr
    )
    assert "Page 4 de 11" not in notice.text_fr
    assert "please refer to page 7" not in notice.text_fr + notice.text_en
    # Notice §12: the two demo privacy officers hold written delegations.
    assert [user.username for user in privacy_officers(at=dt.date(2026, 11, 25))] == [
        "officer",
        "qalead",
    ]
    for username in ("officer", "qalead", "service", "sales", "admin"):
        assert authenticate(username=username, password=settings.OMNI_DEMO_PASSWORD) is not None
    people, holdings, events = (
        Person.objects.count(),
        Holding.objects.count(),
        AuditEvent.objects.count(),
    )
    assert people > 150

    again = io.StringIO()
    with translation.override("en"):
        call_command("bootstrap", demo=True, stdout=again)
    assert again.getvalue() == "Already bootstrapped: nothing to do.\n"
    assert (Person.objects.count(), Holding.objects.count(), AuditEvent.objects.count()) == (
        people,
        holdings,
        events,
    )
    assert User.objects.count() == 5
    assert NoticeVersion.objects.count() == 1
    assert audit_verify() == (events, None)
