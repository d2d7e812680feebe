"""The console's Instances page (issue 4 items 1 and 5): privacy officers register instances
(token sealed, never shown), see each one's sync status and runs, and start a sync."""

from __future__ import annotations

import pytest
from django.test import Client

from omni_privacy.core.crypto import unseal
from omni_privacy.intake.models import SyncRun
from omni_privacy.registry.models import Holding, Instance
from omni_privacy.registry.services import instance_create
from tests.console.test_views import in_english
from tests.intake.conftest import TOKEN

pytestmark = pytest.mark.django_db
PAGE = "/console/instances/"


def test_only_privacy_officers_see_it(client: Client, sales_user, officer) -> None:
    client.force_login(sales_user)
    assert client.get(PAGE).status_code == 403
    assert client.post("/console/instances/add/", {}).status_code == 403
    client.force_login(officer)
    assert client.get(PAGE).status_code == 200


def test_register_an_instance_with_a_sealed_token(client: Client, officer, acme) -> None:
    in_english(officer)
    client.force_login(officer)
    response = client.post(
        "/console/instances/add/",
        {
            "name": "acme-prod",
            "organization": "acme",
            "export_url": "https://acme.example.com/users.jsonl",
            "token": TOKEN,
        },
    )
    assert response.status_code == 302
    instance = Instance.objects.get()
    assert (instance.code, instance.export_url, unseal(instance.token_sealed)) == (
        "acme-prod",
        "https://acme.example.com/users.jsonl",
        TOKEN,
    )
    page = client.get(response["Location"]).content.decode()
    assert "The instance is registered." in page
    assert TOKEN not in page
    assert "acme-prod" in page

    again = client.post("/console/instances/add/", {"name": "acme-prod", "organization": "acme"})
    assert again.status_code == 400
    assert again.context["form"].errors["name"] == [
        "an instance of that name is already registered"
    ]
    unknown = client.post("/console/instances/add/", {"name": "x-prod", "organization": "nope"})
    assert unknown.context["form"].errors["organization"] == ["No organisation has this code."]
    assert Instance.objects.count() == 1


def test_sync_now_pulls_and_lists_the_run(client: Client, officer, acme, export_server) -> None:
    in_english(officer)
    instance_create(
        actor="test",
        organization=acme,
        code="acme-prod",
        export_url=export_server + "/users.jsonl",
        token=TOKEN,
    )
    instance_create(
        actor="test",
        organization=acme,
        code="acme-test",
        export_url=export_server + "/broken",
        token=TOKEN,
    )
    client.force_login(officer)
    done = client.post("/console/instances/acme-prod/sync/")
    assert done["Location"] == f"{PAGE}?done=sync_done"
    refused = client.post("/console/instances/acme-test/sync/")
    assert refused["Location"] == f"{PAGE}?done=sync_refused"
    assert Holding.objects.filter(source="software_profile").count() == 1
    assert list(SyncRun.objects.order_by("id").values_list("status", flat=True)) == [
        "finished",
        "failed",
    ]
    page = client.get(PAGE).content.decode()
    assert "1 added, 0 updated, 0 kept, 0 scheduled for deletion" in page
    assert "export: the instance answered HTTP 500" in page
    assert "Refused (1 attempt)" in page
    # The same refusal, read by a French-speaking officer.
    officer.preferred_language = "fr"
    officer.save(update_fields=["preferred_language"])
    page = client.get(PAGE).content.decode()
    assert "export\u00a0: l’instance a répondu HTTP 500" in page


def test_a_snapshot_can_be_uploaded_from_the_page(client: Client, officer, acme) -> None:
    """Issue 14 point 7: the page offers the upload instead of a command to run."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.intake.conftest import as_jsonl, user

    instance_create(actor="test", organization=acme, code="acme-prod")
    client.force_login(officer)
    page = client.get(PAGE).content.decode()
    assert 'action="/console/instances/acme-prod/upload/"' in page
    assert "omni-privacy sync import" not in page
    good = SimpleUploadedFile("users.jsonl", as_jsonl([user("u1", "Ana Roy", "ana@example.com")]))
    done = client.post("/console/instances/acme-prod/upload/", {"snapshot": good})
    assert done["Location"] == f"{PAGE}?done=sync_done"
    assert Holding.objects.filter(source="software_profile").count() == 1
    bad = SimpleUploadedFile("users.jsonl", b"not json\n")
    refused = client.post("/console/instances/acme-prod/upload/", {"snapshot": bad})
    assert refused["Location"] == f"{PAGE}?done=sync_refused"
    missing = client.post("/console/instances/acme-prod/upload/", {})
    assert missing["Location"] == f"{PAGE}?done=sync_refused"


def test_never_synced_instances_are_an_alarm_on_the_dashboard(
    client: Client, officer, acme
) -> None:
    instance_create(actor="test", organization=acme, code="acme-prod")
    client.force_login(officer)
    html = client.get("/console/").content.decode()
    assert 'id="figure-never-synced"' in html
    assert "toutes actualisées dans le mois" not in html
