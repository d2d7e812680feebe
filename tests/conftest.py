"""Shared fixtures. The suite runs once on SQLite and once on PostgreSQL (OMNI_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from omni_privacy.policy.domain.schema import Policy
from omni_privacy.policy.loader import SHIPPED_POLICY, load_policy_file

# A loaded two-core CI machine (the suite runs beside PostgreSQL) makes Hypothesis's timing
# checks flaky: examples are still generated and checked, only their wall-clock time is not.
hypothesis_settings.register_profile(
    "omni", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("omni")

LOCALE_DIR = Path(__file__).resolve().parents[1] / "omni_privacy" / "locale" / "fr" / "LC_MESSAGES"


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy_file(SHIPPED_POLICY)


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _isolated_var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    # Without OMNI_SMTP_HOST the outbox keeps mail in the development mailbox (settings.py);
    # tests deliver to their own SMTP servers (tests/smtp.py) unless they ask for the mailbox.
    settings.OMNI_MAIL_DELIVERY = "smtp"
    settings.OMNI_MAILBOX_DIR = tmp_path / "mailbox"
    # Each test starts with no public page kept rendered (portal/pagecache.py).
    from omni_privacy.console.alarms import forget_alarms
    from omni_privacy.portal.pagecache import forget_pages

    forget_pages()
    # Nor any dashboard alarm kept (console/alarms.py).
    forget_alarms()


@pytest.fixture(scope="session", autouse=True)
def _compiled_french_catalogue() -> None:
    """The .mo is build output (`make messages`); compile it when missing or stale so that a
    bare `pytest` renders French too."""
    po = LOCALE_DIR / "django.po"
    mo = LOCALE_DIR / "django.mo"
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


@pytest.fixture(autouse=True)
def _static_root(tmp_path, settings) -> None:
    # WhiteNoise warns (an error under filterwarnings) when STATIC_ROOT is missing, as it is
    # before `collectstatic`; templates only need the URL.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture(autouse=True)
def _assessed_recipients(request):
    """Notice §6 is enforced in every test: the mail relay and each external store get a current
    assessment (tests/factories.py assessed_recipient), as the demo data or an officer gives
    them in production. Tests of the enforcement mark themselves ``transfers_unassessed``."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or bool(names & {"db", "transactional_db"})
    if not uses_db or request.node.get_closest_marker("transfers_unassessed"):
        yield
        return
    transactional = "transactional_db" in names or bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.conf import settings as django_settings
    from django.db.models.signals import post_save

    from omni_privacy.stores.models import ExternalStore
    from tests.factories import assessed_recipient

    def _store_assessed(sender, instance, created, **kwargs):
        if created:
            assessed_recipient("store", instance.name)

    assessed_recipient("mail_relay", django_settings.OMNI_MAIL_RELAY_KEY)
    post_save.connect(_store_assessed, sender=ExternalStore, dispatch_uid="tests-store-assessed")
    try:
        yield
    finally:
        post_save.disconnect(sender=ExternalStore, dispatch_uid="tests-store-assessed")


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected (not skipped) on the SQLite run: they do not apply
    there, and the PostgreSQL run executes them. Tests run once on purpose (``sqlite_only``:
    an expensive scenario that does not depend on the database) are deselected on the
    PostgreSQL run the same way."""
    from django.db import connection

    other = "sqlite_only" if connection.vendor == "postgresql" else "postgres_only"
    kept = [item for item in items if item.get_closest_marker(other) is None]
    deselected = [item for item in items if item.get_closest_marker(other) is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_sessionfinish(session, exitstatus):
    """Under CI nothing may be skipped (a skip would hide a service the CI machine lacks)."""
    import os

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        reporter.write_line(f"ERROR: {skipped} test(s) skipped under CI=true", red=True)
        session.exitstatus = 1
