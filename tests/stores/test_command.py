"""`omni-privacy stores add|check|scan|list|access|erase` (issue 17 items 1 and 6): the
connection's credentials never appear in what the command prints, in the logs, in audit
payloads or in clear in the database."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.crypto import unseal
from omni_privacy.stores.models import ExternalStore
from tests.stores.conftest import PASSWORD
from tests.stores.fixture import DATASET, LEA

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Ran:
    stdout: str
    stderr: str
    status: int

    def json(self):
        return json.loads(self.stdout)


def stores(*args: str, lang: str = "en") -> Ran:
    out, err = io.StringIO(), io.StringIO()
    status = 0
    with translation.override(lang):
        try:
            call_command("stores", *args, stdout=out, stderr=err)
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    return Ran(out.getvalue(), err.getvalue(), status)


def add_crm(external, url_file, dataset) -> Ran:
    """`stores add crm` for the fixture's store, its URL file and its dataset file."""
    return stores("add", "crm", "--dialect", external.dialect, "--url-file", str(url_file),
                  "--dataset", str(dataset))  # fmt: skip


def _database_text() -> str:
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            texts.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(texts)


@pytest.fixture
def files(tmp_path, external):
    url_file = tmp_path / "url.txt"
    url_file.write_text(external.url + "\n", encoding="utf-8")
    dataset = tmp_path / "crm.toml"
    dataset.write_text(DATASET, encoding="utf-8")
    return url_file, dataset


def test_the_commands_never_show_the_credentials(external, files, caplog, tmp_path) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    url_file, dataset = files
    outputs = []

    added = add_crm(external, url_file, dataset)
    assert (added.stdout.strip(), added.status) == ("Store registered: crm", 0)
    checked = stores("check", "crm")
    # The fixture holds a birth date, which the notice allows for no source: not "ok".
    assert checked.status == 1
    assert checked.stdout.splitlines() == [
        "crm: problems (10 tables)",
        (
            "conformance: tables.customers.columns.birth_date.field: the notice does not allow "
            "birth_date for the source sales (§2.1 ¶4, §2.4 scenario 2)"
        ),
    ]
    listed = stores("list", "--json").json()
    assert [(s["name"], s["dialect"], s["status"], s["tables"]) for s in listed] == [
        ("crm", external.dialect, "problems", 10)
    ]
    scanned = stores("scan", "crm", "--write", str(tmp_path / "proposed.toml"))
    assert scanned.status == 1
    assert (tmp_path / "proposed.toml").read_text(encoding="utf-8").startswith("# Proposed")
    accessed = stores("access", "crm", "--email", LEA, "--json")
    report = accessed.json()
    assert report["outcome"] == "done"
    assert report["rows"]["order_items"] == 5
    tables = {t["table"]: t for t in report["tables"]}
    assert tables["customers"]["rows"][0][:3] == [1, LEA, "Léa Tremblay"]
    text_access = stores("access", "crm", "--email", LEA)
    assert "[order_items]" in text_access.stdout
    erased = stores("erase", "crm", "--email", LEA, "--json")
    assert (erased.status, erased.json()["outcome"]) == (0, "done")
    outputs += [added, checked, scanned, accessed, text_access, erased]

    # A store that cannot be reached says so, without its URL.
    down = tmp_path / "down.txt"
    unreachable_url = (
        external.url.replace(":5432/", ":1/")
        .replace(":3306/", ":1/")
        .replace("sqlite:///", "sqlite:////nonexistent/dir/")
    )
    down.write_text(unreachable_url, encoding="utf-8")
    stores(
        "add",
        "down",
        "--dialect",
        external.dialect,
        "--url-file",
        str(down),
        "--dataset",
        str(dataset),
    )
    unreachable = stores("check", "down")
    assert unreachable.status == 1
    assert unreachable.stdout.splitlines()[0] == "down: unreachable (0 tables)"
    assert unreachable.stdout.splitlines()[1].startswith(
        "error: url: cannot reach the store (OperationalError"
    )
    outputs.append(unreachable)

    secret = PASSWORD if external.dialect != "sqlite" else external.url
    for ran in outputs:
        assert secret not in ran.stdout + ran.stderr
    assert secret not in caplog.text
    payloads = json.dumps([e.payload for e in AuditEvent.objects.order_by("sequence")])
    assert secret not in payloads
    assert LEA not in payloads
    assert secret not in _database_text()
    assert unseal(ExternalStore.objects.get(name="crm").url_sealed) == external.url


def test_add_refuses_a_dataset_with_errors_and_names_the_key(external, files) -> None:
    url_file, dataset = files
    dataset.write_text(DATASET.replace('erase = "delete"', 'erase = "shred"', 1), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        add_crm(external, url_file, dataset)
    assert str(refused.value) == "tables.addresses.erase: must be one of: delete, keep"
    assert ExternalStore.objects.count() == 0
    with pytest.raises(CommandError) as wrong:
        stores(
            "add",
            "crm",
            "--dialect",
            "postgresql" if external.dialect != "postgresql" else "mysql",
            "--url-file",
            str(url_file),
            "--dataset",
            str(dataset),
        )
    assert str(wrong.value).startswith("url: not a ")
    assert PASSWORD not in str(wrong.value)


def test_problems_are_said_in_french(external, files) -> None:
    url_file, dataset = files
    add_crm(external, url_file, dataset)
    checked = stores("check", "crm", lang="fr")
    assert checked.stdout.splitlines() == [
        "crm\u00a0: problèmes (10 tables)",
        (
            "conformité\u00a0: tables.customers.columns.birth_date.field\u00a0: "
            "l’avis ne permet pas "
            "birth_date pour la source sales (§2.1 ¶4, §2.4 scenario 2)"
        ),
    ]


@pytest.mark.parametrize("external", ["sqlite"], indirect=True)
def test_scan_propose_fix_and_replace_the_dataset(external, files, tmp_path) -> None:
    """The officer's path: register, scan with a proposal, fix it, replace, check."""
    url_file, dataset = files
    assert add_crm(external, url_file, dataset).status == 0
    assert stores("check", "crm").status in (0, 1)
    proposal = tmp_path / "proposed.toml"
    stores("scan", "crm", "--write", str(proposal))
    assert proposal.read_text(encoding="utf-8").strip()
    broken = tmp_path / "broken.toml"
    broken.write_text("[tables.customers]\nerase = 'shred'\n", encoding="utf-8")
    with pytest.raises(CommandError):
        stores("dataset", "crm", "--dataset", str(broken))
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(DATASET, encoding="utf-8")
    replaced = stores("dataset", "crm", "--dataset", str(fixed))
    assert "run stores check crm next" in replaced.stdout
    assert ExternalStore.objects.get(name="crm").status == "new"  # to be checked again
    stores("check", "crm")  # the fixture's dataset keeps its birth date: a conformance problem
    assert ExternalStore.objects.get(name="crm").status == "problems"
