"""A store restored from a backup is erased again from the erasure ledger (issue 17 point 4):
each erasure in a store adds a line naming the person by digest only; `stores replay` finds
them again among the store's addresses and erases them again, wholly or one source's data."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from omni_privacy.audit.models import AuditEvent
from omni_privacy.core import clock
from omni_privacy.core.digest import email_digest
from omni_privacy.core.ledgerfile import ledger_path
from omni_privacy.retention import ledger
from omni_privacy.stores.connect import dispose_engines
from omni_privacy.stores.services import store_erase
from tests.stores import fixture
from tests.stores.fixture import BOB, LEA

pytestmark = pytest.mark.django_db


def _replay(*args: str, language: str = "en") -> tuple[int, str]:
    out = io.StringIO()
    try:
        with translation.override(language):
            call_command("stores", "replay", "crm", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_a_restored_store_is_erased_again_and_only_what_was_erased(sqlite_store) -> None:
    db, store, path = sqlite_store.db, sqlite_store.store, sqlite_store.path
    backup = path.with_name("backup.sqlite3")
    shutil.copy(path, backup)  # the night's backup, before the erasures
    assert store_erase(actor="test", store=store, email=LEA).outcome == "done"
    assert store_erase(actor="test", store=store, email=BOB, source="customer_service"
                       ).outcome == "done"  # fmt: skip
    erased = fixture.snapshot(db.engine)
    lines = [json.loads(line) for line in ledger_path().read_text().splitlines()]
    assert [(line["store"], line["source"]) for line in lines] == [
        ("crm", ""), ("crm", "customer_service")
    ]  # fmt: skip
    assert lines[0]["digest"] == email_digest(LEA)
    assert LEA not in ledger_path().read_text()
    assert BOB not in ledger_path().read_text()
    assert list(ledger.read()) == []  # the registry's replay skips the stores' lines

    dispose_engines()
    shutil.copy(backup, path)  # the store is restored: Léa and Bob's requests are back
    assert fixture.snapshot(db.engine) != erased
    today = clock.today().isoformat()
    code, out = _replay("--restored-from", today)
    assert code == 0
    assert "crm: 2 erasures in the ledger since" in out
    assert "2 people found again in the store, 2 erased again." in out
    assert fixture.snapshot(db.engine) == erased  # exactly what was erased, nothing more
    event = AuditEvent.objects.filter(action="store.replayed").get()
    assert (event.payload["lines"], event.payload["found"], event.payload["erased"]) == (2, 2, 2)

    # Again: Bob is still in the store for his other sources; nothing changes.
    code, out = _replay("--restored-from", today, language="fr")
    assert code == 0
    assert "1 personne retrouvée dans la base, 1 effacée de nouveau." in out
    assert fixture.snapshot(db.engine) == erased


def test_a_backup_taken_after_the_erasures_needs_nothing_replayed(sqlite_store) -> None:
    store = sqlite_store.store
    store_erase(actor="test", store=store, email=LEA)
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    code, out = _replay("--restored-from", tomorrow, "--json")
    assert code == 0
    assert json.loads(out) == {
        "store": "crm", "restored_from": tomorrow, "lines": 0, "found": 0, "erased": 0,
        "failures": {},
    }  # fmt: skip


def test_a_bad_day_is_refused_naming_the_option(sqlite_store) -> None:
    with pytest.raises(CommandError, match="--restored-from"), translation.override("en"):
        call_command("stores", "replay", "crm", "--restored-from", "yesterday")
