"""A rights request reaches Omni's other databases (issue 17 points 3 and 4): the access report
shows what a store holds, an erasure is carried out in every store before the answer, and a
store that is down holds the answer back with the registry untouched until it is done."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from omni_privacy.core.errors import Refused
from omni_privacy.dsr.exports import export_open, export_token
from omni_privacy.registry.models import Holding
from omni_privacy.registry.services import OrganizationInput, holding_record, organization_upsert
from omni_privacy.stores.connect import dispose_engines
from omni_privacy.stores.models import StoreErasure
from tests.dsr.conftest import NOW, TODAY, candidate
from tests.dsr.test_fulfilment import fulfil, verified
from tests.stores import fixture
from tests.stores.conftest import (
    ExternalDb,
    sqlite_store,  # noqa: F401 - the fixture
)
from tests.stores.fixture import LEA

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm(sqlite_store):  # noqa: F811 - the fixture imported above
    return sqlite_store.db, sqlite_store.folder


def _in_store(db: ExternalDb) -> int:
    with db.engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT count(*) FROM customers WHERE lower(email) = :e"), {"e": LEA}
        ).scalar_one()


def test_the_access_report_shows_what_a_store_holds(crm, officer, frozen) -> None:
    rights = fulfil(verified(officer, "access", LEA, language="en"), officer)
    html = export_open(export_token(rights.exports.get(kind="html")), now=NOW)[1]
    assert "Other database: crm" in html
    assert "<h3>orders</h3>" in html
    assert "Léa Tremblay" in html
    # Nothing in the registry, but the store holds her: the report does not say "nothing".
    assert "We hold no personal information about you." not in html
    assert "Our registry holds no personal information about you; what Omni’s other" in html
    assert '<th scope="col">Full name (full_name)</th>' in html
    assert '<th scope="col">placed_on</th>' in html


def test_an_erasure_reaches_the_store_before_the_answer(crm, officer, frozen) -> None:
    db, _folder = crm
    globex = organization_upsert(
        actor="t", data=OrganizationInput(code="globex", name="Globex"), as_of=TODAY
    )
    holding = holding_record(
        actor="t", organization=globex, candidate=candidate("sales", LEA), today=TODAY
    )
    rights = fulfil(verified(officer, "erasure", LEA, language="en"), officer)
    assert rights.state == "fulfilled"
    assert not Holding.objects.filter(pk=holding.pk).exists()
    assert _in_store(db) == 0
    job = StoreErasure.objects.get()
    assert (job.state, job.identity_sealed) == ("done", "")
    assert rights.outcome["stores"] == 1


def test_a_store_that_is_down_holds_the_answer_back(crm, officer, frozen) -> None:
    db, folder = crm
    globex = organization_upsert(
        actor="t", data=OrganizationInput(code="globex", name="Globex"), as_of=TODAY
    )
    holding = holding_record(
        actor="t", organization=globex, candidate=candidate("sales", LEA), today=TODAY
    )
    rights = verified(officer, "erasure", LEA, language="en")
    away = folder.with_name("crm-away")
    folder.rename(away)
    dispose_engines()
    with pytest.raises(Refused) as refused:
        fulfil(rights, officer)
    assert "crm" in refused.value.message
    rights.refresh_from_db()
    assert rights.state == "verified"
    assert Holding.objects.filter(pk=holding.pk).exists()  # the registry is untouched
    assert StoreErasure.objects.get().state == "pending"  # retried in the background

    away.rename(folder)
    dispose_engines()
    rights = fulfil(rights, officer)
    assert rights.state == "fulfilled"
    assert _in_store(db) == 0
    assert not Holding.objects.filter(pk=holding.pk).exists()


@pytest.mark.usefixtures("people", "frozen")
def test_the_access_report_says_who_consulted_the_data(officer, sales_user) -> None:
    from omni_privacy.audit.services import person_read_record, person_reads_record
    from omni_privacy.registry.models import Person

    camille = Person.objects.get(holdings__email="camille@example.com", holdings__source="sales")
    person_read_record(user=officer, person_public_id=camille.public_id, via="person_page")
    # Issue 15 point 3: every read path, each with the reader's team (never the staff name).
    person_reads_record(user=sales_user, person_public_ids=[camille.public_id], via="search")
    person_read_record(user=sales_user, person_public_id=camille.public_id, via="api")
    rights = fulfil(verified(officer, "access", language="en"), officer)
    html = export_open(export_token(rights.exports.get(kind="html")), now=NOW)[1]
    assert "Who at Omni consulted your information" in html
    rows = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td></tr>", html)
    assert sorted(rows) == [
        ("Privacy office", "your file in the registry"),
        ("Sales", "a search of the registry that showed you"),
        ("Sales", "our programming interface (API)"),
    ]
    for user in (officer, sales_user):
        assert user.get_username() not in html


def test_the_portability_export_carries_the_portable_columns_of_each_store(
    crm, officer, frozen
) -> None:
    import csv
    import io
    import json

    rights = fulfil(verified(officer, "portability", LEA, language="en"), officer)
    body = json.loads(export_open(export_token(rights.exports.get(kind="json")), now=NOW)[1])
    tables = {table["table"]: table for table in body["stores"]}
    # Sales (consent), administrative and customer service (contract) are portable; the
    # software profiles (collected by the monthly sync only) and non-personal columns are not.
    assert sorted(tables) == ["customers", "payments", "service_requests"]
    (customer,) = tables["customers"]["rows"]
    assert customer == {
        "email": LEA, "full_name": "Léa Tremblay", "phone": customer["phone"],
        "preferred_language": "fr", "birth_date": "1985-06-02",
    }  # fmt: skip
    assert tables["customers"]["source"] == "sales"
    assert all(set(row) == {"email"} for row in tables["payments"]["rows"])
    assert rights.outcome["store_rows"] == sum(len(t["rows"]) for t in body["stores"])
    lines = list(csv.DictReader(io.StringIO(export_open(
        export_token(rights.exports.get(kind="csv")), now=NOW)[1])))  # fmt: skip
    store_lines = [line for line in lines if line["store"]]
    assert {line["store"] for line in store_lines} == {
        "crm.customers", "crm.payments", "crm.service_requests"
    }  # fmt: skip
    assert len(store_lines) == rights.outcome["store_rows"]
    assert [line["birth_date"] for line in store_lines if line["full_name"]] == ["1985-06-02"]


def test_a_store_that_cannot_be_read_holds_the_portability_export_back(
    crm, officer, frozen
) -> None:
    _db, folder = crm
    rights = verified(officer, "portability", LEA, language="en")
    folder.rename(folder.with_name("crm-away"))
    dispose_engines()
    with pytest.raises(Refused) as refused:
        fulfil(rights, officer)
    assert "crm" in refused.value.message
    rights.refresh_from_db()
    assert (rights.state, rights.exports.count()) == ("verified", 0)


def test_the_request_page_shows_each_store_honestly(crm, officer, frozen, client) -> None:
    from tests.console.test_views import in_english

    _db, folder = crm
    rights = verified(officer, "erasure", LEA, language="en")
    in_english(officer)
    client.force_login(officer)
    page = f"/console/requests/{rights.public_id}/"
    html = client.get(page).content.decode()
    assert "When you answer, the erasure also reaches this store: crm." in html
    folder.rename(folder.with_name("crm-away"))
    dispose_engines()
    with pytest.raises(Refused):
        fulfil(rights, officer)
    html = client.get(page).content.decode()
    assert "Waiting: next attempt" in html
    assert "1 attempt; nothing changed in this store yet." in html
    assert "reaches this store" not in html
    folder.with_name("crm-away").rename(folder)
    dispose_engines()
    fulfil(rights, officer)
    html = client.get(page).content.decode()
    assert "Erased and verified" in html
    assert "customers: 1 row anonymised" in html
    assert "orders: 3 rows kept (Tax Administration Act, s. 34)" in html
    assert "customers: preferred_language kept (§9 ¶4)" in html
    assert "payments: billing_email kept (Tax Administration Act, s. 34)" in html
    assert "addresses: 2 rows deleted" in html
    assert "(—)" not in html


def test_dsr_show_says_each_stores_erasure(crm, officer, frozen) -> None:
    import io

    from django.core.management import call_command
    from django.utils import translation

    rights = fulfil(verified(officer, "erasure", LEA, language="en"), officer)
    out = io.StringIO()
    with translation.override("en"):
        call_command("dsr", "show", str(rights.public_id), stdout=out)
    text = out.getvalue()
    assert "store crm: erased and verified (1 attempt)" in text
    # The history in words, not codes (audit/words.py).
    assert "State changed from in progress to fulfilled." in text
    assert "rights_request.transitioned" not in text
    assert "  customers: 1 row anonymised" in text
    assert "  orders: 3 rows kept (Tax Administration Act, s. 34)" in text
    out = io.StringIO()
    with translation.override("fr"):
        call_command("dsr", "show", str(rights.public_id), stdout=out)
    french = out.getvalue()
    assert french.startswith(f"Référence\u00a0: {rights.public_id}\nDroit\u00a0: Effacement\n")
    assert f"Échéance\u00a0: {rights.due_on.isoformat()}\n" in french  # answered: no days left
    assert "base crm : effacé et vérifié (1 tentative)" in french
    out = io.StringIO()
    with translation.override("fr"):
        call_command("dsr", "show", str(rights.public_id), "--json", stdout=out)
    import json

    (store,) = json.loads(out.getvalue())["stores"]
    assert (store["store"], store["state"], store["tables"]["addresses"]["erased"]) == (
        "crm", "done", 2
    )  # fmt: skip


def test_the_erasure_preview_says_what_each_store_will_do_before_anything(
    crm, officer, frozen, client
) -> None:
    from tests.console.test_views import in_english

    db, _folder = crm
    before = fixture.snapshot(db.engine)
    rights = verified(officer, "erasure", LEA, language="en")
    in_english(officer)
    client.force_login(officer)
    page = client.post(f"/console/requests/{rights.public_id}/fulfil/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Omni’s other databases" in html
    assert "<li>customers: 1 row to anonymise</li>" in html
    assert "<li>addresses: 2 rows to delete</li>" in html
    assert "<li>orders: 3 rows kept (Tax Administration Act, s. 34)</li>" in html
    # The letter preview carries the store's line, as the letter will.
    assert (
        "Database “crm”: your information was erased, except what is kept for the reason given: "
        "customers.preferred_language (§9 ¶4), orders (Tax Administration Act, s. 34), "
        "payments.billing_email (Tax Administration Act, s. 34)."
    ) in html.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert fixture.snapshot(db.engine) == before  # a preview changes nothing
    assert not StoreErasure.objects.exists()
    confirmed = client.post(f"/console/requests/{rights.public_id}/fulfil/", {"confirmed": "yes"})
    assert confirmed.status_code == 302
    assert StoreErasure.objects.get().state == "done"
