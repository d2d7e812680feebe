"""`omni-privacy instances add|list` (issue 4 item 1): an organisation's instances, their export
URL and their access token, stored sealed (encryption at rest, REQUIREMENTS #15)."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError
from django.db import connection

from omni_privacy.audit.models import AuditEvent
from omni_privacy.core.crypto import SealError, seal, unseal
from omni_privacy.registry.models import Instance
from tests.retention.factory import organization

pytestmark = pytest.mark.django_db

TOKEN = "tok-3f9a1c0e-not-a-real-secret-7d2b"
URL = "https://acme.example.com/export/users.jsonl"


@pytest.fixture
def token_file(tmp_path):
    path = tmp_path / "token.txt"
    path.write_text(TOKEN + "\n", encoding="utf-8")
    return path


def _every_value_in_the_database() -> str:
    """Every value of every table, as text (to look for a secret stored in clear)."""
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            texts.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(texts)


def test_add_stores_the_token_sealed_and_audits_without_it(run, token_file) -> None:
    organization("acme")
    out = run("instances", "add", "acme-prod", "--organization", "acme", "--url", URL,
              "--token-file", str(token_file)).stdout  # fmt: skip
    assert out.strip() == "Instance registered: acme-prod"

    instance = Instance.objects.get(code="acme-prod")
    assert (instance.organization.code, instance.export_url, instance.last_synced_at) == (
        "acme",
        URL,
        None,
    )
    assert unseal(instance.token_sealed) == TOKEN
    assert TOKEN not in _every_value_in_the_database()
    event = AuditEvent.objects.get(action="instance.created")
    assert (event.object_id, event.payload) == (
        "acme-prod",
        {"organization": "acme", "export_url": True, "token": True},
    )
    assert run("instances", "list", "--json").json() == [
        {
            "name": "acme-prod",
            "organization": "acme",
            "export_url": URL,
            "token": True,
            "last_synced_at": None,
        }
    ]
    table = run("instances", "list").stdout
    assert "acme-prod" in table
    assert TOKEN not in table


def test_an_instance_without_url_or_token_is_allowed(run) -> None:
    organization("boreal")
    run("instances", "add", "boreal-test", "--organization", "boreal")
    assert run("instances", "list", "--json").json()[0]["token"] is False


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["acme prod", "--organization", "acme"], "name: use letters, digits, hyphens"),
        (["acme-prod", "--organization", "acme", "--url", "ftp://acme.example.com/x"],
         "url: must be an http:// or https:// address"),
        (["acme-prod", "--organization", "nope"], "--organization: no organisation 'nope'"),
        (["acme-prod", "--organization", "acme", "--token-file", "/nonexistent/token"],
         "--token-file: cannot read /nonexistent/token (FileNotFoundError)"),
    ],
)  # fmt: skip
def test_bad_input_is_named_and_nothing_is_written(run, arguments, message) -> None:
    organization("acme")
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("instances", "add", *arguments)
    assert Instance.objects.count() == 0
    assert not AuditEvent.objects.filter(action="instance.created").exists()


def test_an_empty_token_file_and_a_taken_name_are_refused(run, tmp_path) -> None:
    organization("acme")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(CommandError, match="token: is empty"):
        run("instances", "add", "acme-prod", "--organization", "acme", "--token-file", str(empty))
    run("instances", "add", "acme-prod", "--organization", "acme")
    with pytest.raises(CommandError, match="name: an instance of that name is already registered"):
        run("instances", "add", "acme-prod", "--organization", "acme")
    assert Instance.objects.count() == 1


def test_a_sealed_value_opens_only_with_its_key(settings) -> None:
    sealed = seal(TOKEN)
    assert TOKEN not in sealed
    assert seal(TOKEN) != sealed  # random IV: equal secrets do not look equal at rest
    old_key = settings.OMNI_ENCRYPTION_KEY
    settings.OMNI_ENCRYPTION_KEY = "another-key-entirely"
    with pytest.raises(SealError) as refused:
        unseal(sealed)
    assert TOKEN not in str(refused.value)
    # Rotation: the old key, listed as old, still opens what it sealed.
    settings.OMNI_ENCRYPTION_OLD_KEYS = [old_key]
    assert unseal(sealed) == TOKEN
