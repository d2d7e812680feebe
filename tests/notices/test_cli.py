"""`omni-privacy notices import|publish|list` (notice §11): good input, and bad input named by
its option with nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from omni_privacy.audit.models import AuditEvent
from omni_privacy.notices.models import NoticeState, NoticeVersion
from tests.notices.conftest import make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    fr, en = tmp_path / "v3.fr.md", tmp_path / "v3.en.md"
    fr.write_text("## 1. But\n\nOmni conserve les données 3 ans.\n", encoding="utf-8")
    en.write_text("## 1. Purpose\n\nOmni keeps data for 3 years.\n", encoding="utf-8")
    return {"fr": str(fr), "en": str(en)}


def _import(run, files, *extra: str, version: str = "3", effective: str = "2027-01-01"):
    return run(
        "notices",
        "import",
        "--identifier",
        "QAC-REC-004",
        "--version",
        version,
        "--effective",
        effective,
        "--fr",
        files["fr"],
        "--en",
        files["en"],
        *extra,
    )


def test_import_then_publish_then_list(run, files) -> None:
    make_version(2, dt.date(2024, 2, 8))
    out = _import(run, files, "--summary-fr", "Trois ans.", "--summary-en", "Three years.")
    assert out.stdout == "Draft recorded: QAC-REC-004 v3, to come into force on 2027-01-01.\n"
    draft = NoticeVersion.objects.get(version=3)
    assert (draft.state, draft.summary_fr, draft.summary_en, draft.classification) == (
        NoticeState.DRAFT,
        "Trois ans.",
        "Three years.",
        "public",
    )
    assert draft.text_fr == "## 1. But\n\nOmni conserve les données 3 ans.\n"
    out = run("notices", "publish", "QAC-REC-004", "3")
    assert out.stdout == "Published: QAC-REC-004 v3, in force from 2027-01-01.\n"
    listed = run("notices", "list", "--json").json()
    assert [(row["version"], row["state"], row["effective_on"]) for row in listed] == [
        (3, "published", "2027-01-01"),
        (2, "published", "2024-02-08"),
    ]
    text = run("notices", "list").stdout.splitlines()
    assert text[0].split() == [
        "Notice",
        "Version",
        "State",
        "Effective",
        "Published",
        "Classification",
    ]
    assert text[1].split()[:4] == ["QAC-REC-004", "3", "Published", "2027-01-01"]


def test_import_with_publish_publishes_at_once(run, files) -> None:
    out = _import(run, files, "--publish")
    assert out.stdout == "Published: QAC-REC-004 v3, in force from 2027-01-01.\n"
    assert NoticeVersion.objects.get().state == NoticeState.PUBLISHED
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "notice.imported",
        "notice.published",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fr": "/nonexistent/v3.fr.md"},
         "--fr: cannot read /nonexistent/v3.fr.md (FileNotFoundError)"),
        ({"en_bytes": "Données".encode("latin-1")},
         "--en: is not UTF-8 text (invalid byte at offset 4)"),
        ({"fr_bytes": b"  \n\n"}, "--fr: the text is empty"),
        ({"version": "2"}, "--version: version 2 already exists"),
        ({"version": "1"}, "--version: must be greater than 2, the last published version"),
        ({"effective": "2024-02-01"},
         "--effective: is before 2024-02-08, the effective date of version 2"),
        ({"effective": "2024-13-01"}, "--effective must be a date as YYYY-MM-DD, not '2024-13-01'"),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_nothing_is_written(run, files, tmp_path, change, message) -> None:
    make_version(2, dt.date(2024, 2, 8))
    before = (NoticeVersion.objects.count(), AuditEvent.objects.count())
    paths = dict(files)
    for language in ("fr", "en"):
        if f"{language}_bytes" in change:
            path = tmp_path / f"bad.{language}.md"
            path.write_bytes(change[f"{language}_bytes"])
            paths[language] = str(path)
        if language in change:
            paths[language] = change[language]
    with pytest.raises(CommandError) as refused:
        _import(
            run,
            paths,
            "--publish",
            version=change.get("version", "3"),
            effective=change.get("effective", "2027-01-01"),
        )
    assert str(refused.value) == message
    assert (NoticeVersion.objects.count(), AuditEvent.objects.count()) == before


def test_publish_refusals(run, files) -> None:
    make_version(2, dt.date(2024, 2, 8))
    with pytest.raises(CommandError) as refused:
        run("notices", "publish", "QAC-REC-004", "9")
    assert str(refused.value) == "--version: no such version"
    with pytest.raises(CommandError) as refused:
        run("notices", "publish", "QAC-REC-004", "2")
    assert str(refused.value) == "--version: QAC-REC-004 v2 is already published"
    _import(run, files)
    with pytest.raises(CommandError) as refused:
        run("notices", "publish", "QAC-REC-004", "3", "--by", "nobody")
    assert str(refused.value) == "--by: no active staff account 'nobody'"
    assert NoticeVersion.objects.get(version=3).state == NoticeState.DRAFT
