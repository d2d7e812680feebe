"""The console's Stores page (issue 17 point 6): privacy officers see each external store's
status, last check, dataset and scan, start a check or a scan, and retry a blocked erasure.
The connection URL never appears."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from django.test import Client

from omni_privacy.stores.connect import dispose_engines
from omni_privacy.stores.jobs import store_erasure_attempt, store_erasures_request
from omni_privacy.stores.models import StoreErasure
from tests.console.test_views import in_english
from tests.stores import fixture
from tests.stores.conftest import ExternalDb, registered
from tests.stores.fixture import LEA

pytestmark = pytest.mark.django_db
PAGE = "/console/stores/"


@pytest.fixture
def crm(tmp_path: Path):
    db = ExternalDb("sqlite", f"sqlite:///{tmp_path / 'crm-secret-path.sqlite3'}")
    fixture.create(db.engine)
    fixture.populate(db.engine)
    yield db, registered(db)
    dispose_engines()


def test_only_privacy_officers_see_it(client: Client, sales_user, officer, crm) -> None:
    client.force_login(sales_user)
    assert client.get(PAGE).status_code == 403  # the translated page with a way back
    assert client.post("/console/stores/crm/check/").status_code == 403
    client.force_login(officer)
    assert client.get(PAGE).status_code == 200


def test_the_store_its_check_and_scan_in_words(client: Client, officer, crm) -> None:
    in_english(officer)
    client.force_login(officer)
    page = client.get(PAGE).content.decode()
    assert "crm" in page
    assert "10 tables" in page
    assert "crm-secret-path" not in page  # the connection is never shown

    response = client.post("/console/stores/crm/scan/")
    assert response.status_code == 302
    assert response["Location"].endswith("?done=scanned")
    page = client.get(response["Location"]).content.decode()
    assert "The store was scanned." in page
    assert "personal columns found" in page
    assert "crm-secret-path" not in page


def test_a_blocked_erasure_is_shown_and_retried(client: Client, officer, crm) -> None:
    db, _store = crm
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE reports"))
    (job,) = store_erasures_request(actor="test", reason="rights_request:R-1", email=LEA)
    store_erasure_attempt(job.pk, now=job.next_attempt_at)
    client.force_login(officer)
    with_french = client.get(PAGE, headers={"accept-language": "fr"})
    in_english(officer)
    page = client.get(PAGE).content.decode()
    assert "Blocked" in page
    assert LEA not in page
    assert with_french.status_code == 200

    response = client.post(f"/console/stores/erasures/{job.pk}/retry/")
    assert response["Location"].endswith("?done=retried")
    assert StoreErasure.objects.get().state == "pending"
    # Only a blocked erasure can be retried.
    assert client.post(f"/console/stores/erasures/{job.pk}/retry/").status_code == 404


def test_the_page_reads_in_french(client: Client, officer, crm) -> None:
    client.force_login(officer)  # the console speaks French unless the officer chose English
    page = client.get(PAGE).content.decode()
    assert "Bases externes" in page
    assert "10 tables" in page
    assert "Vérifier maintenant" in page


def test_the_dashboard_raises_an_alarm_for_a_blocked_erasure(client: Client, officer, crm) -> None:
    db, _store = crm
    in_english(officer)
    client.force_login(officer)
    page = client.get("/console/").content.decode()
    assert "1 store, reachable at its last check; no erasure blocked." in page
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE reports"))
    (job,) = store_erasures_request(actor="test", reason="rights_request:R-2", email=LEA)
    store_erasure_attempt(job.pk, now=job.next_attempt_at)
    page = client.get("/console/").content.decode()
    assert "1 erasure blocked: a privacy officer must act" in page
