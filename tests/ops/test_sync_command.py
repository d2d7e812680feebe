"""`omni-privacy sync import INSTANCE FILE` (issue 4 item 3): the summary, JSON, and a refused
snapshot's problems on standard error with exit status 1."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from omni_privacy.intake.models import SyncRun
from omni_privacy.policy.domain.facts import Interval
from omni_privacy.registry.models import Holding
from omni_privacy.registry.services import instance_create
from tests.intake.conftest import as_csv, as_jsonl, user
from tests.retention.factory import ACTOR, organization

pytestmark = pytest.mark.django_db

USERS = [
    user(1, "Léa Tremblay", "lea.tremblay@example.com"),
    user(2, "Marc Gagnon", "marc.gagnon@example.org", "en", ("viewer",)),
]


@pytest.fixture
def acme_prod(db):
    acme = organization("acme", Interval(dt.date(2020, 1, 1)))
    return instance_create(actor=ACTOR, organization=acme, code="acme-prod")


def test_import_prints_its_summary(run, acme_prod, tmp_path) -> None:
    path = tmp_path / "users.csv"
    path.write_bytes(as_csv(USERS))
    out = run("sync", "import", "acme-prod", str(path), "--as-of", "2026-11-01").stdout
    assert out.strip() == (
        "acme-prod: 2 rows; 1 added, 0 updated, 0 kept (role back), 0 scheduled for deletion, "
        "0 unchanged, 1 ignored."
    )
    assert Holding.objects.count() == 1


def test_import_json_and_format_option(run, acme_prod, tmp_path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(as_jsonl(USERS))
    [report] = run(
        "sync",
        "import",
        "acme-prod",
        str(path),
        "--format",
        "jsonl",
        "--as-of",
        "2026-11-01",
        "--json",
    ).json()
    assert (report["instance"], report["rows"], report["counts"]["added"]) == ("acme-prod", 2, 1)
    assert len(report["file_sha256"]) == 64


def test_a_refused_snapshot_exits_1_and_names_its_lines(run, acme_prod, tmp_path) -> None:
    path = tmp_path / "users.jsonl"
    path.write_bytes(as_jsonl([USERS[0], {**USERS[1], "user_id": 1}]))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited, translation.override("en"):
        call_command("sync", "import", "acme-prod", str(path), "--as-of", "2026-11-01", stderr=err)
    assert exited.value.code == 1
    run_id = SyncRun.objects.get(status="failed").public_id
    assert err.getvalue() == (
        f"acme-prod: snapshot refused, nothing applied (sync run {run_id}):\n"
        "  line 2: user_id: duplicate of line 1\n"
    )
    assert Holding.objects.count() == 0


def test_bad_arguments_are_named(run, acme_prod, tmp_path) -> None:
    with pytest.raises(CommandError, match="no instance 'nope'"):
        run("sync", "import", "nope", "x.jsonl")
    with pytest.raises(CommandError, match=r"unsupported file suffix '\.txt'"):
        run("sync", "import", "acme-prod", str(tmp_path / "x.txt"))
    with pytest.raises(CommandError, match=r"x.jsonl: cannot read \(FileNotFoundError\)"):
        run("sync", "import", "acme-prod", str(tmp_path / "x.jsonl"))
    with pytest.raises(CommandError, match="--as-of must be a date"):
        run("sync", "import", "acme-prod", str(tmp_path / "x.jsonl"), "--as-of", "2026-02-30")
