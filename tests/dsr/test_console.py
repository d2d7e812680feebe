"""The console's rights-request pages (issue 6 item 4): privacy officers only, the queue with
its countdown, the workflow forms, the alarm on the dashboard."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from omni_privacy.audit.models import AuditEvent
from omni_privacy.dsr.models import RightsRequest
from omni_privacy.dsr.services import dsr_request_submit
from tests.dsr.conftest import NOW, PASSWORD, TODAY

pytestmark = pytest.mark.django_db


def submit(
    email: str = "camille@example.com",
    *,
    kind: str = "access",
    jurisdiction: str = "quebec",
    received_on: dt.date = TODAY,
) -> RightsRequest:
    return dsr_request_submit(
        kind=kind,
        email=email,
        language="fr",
        jurisdiction=jurisdiction,
        now=NOW,
        received_on=received_on,
    )


def signed_in(client: Client, user) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_only_privacy_officers_see_the_queue(client: Client, sales_user, frozen) -> None:
    rights = submit()
    signed_in(client, sales_user)
    assert client.get("/console/requests/").status_code == 403
    assert client.get(f"/console/requests/{rights.public_id}/").status_code == 403
    assert client.post(f"/console/requests/{rights.public_id}/start/").status_code == 403


def test_the_queue_counts_down_and_marks_overdue_in_red(client: Client, officer, frozen) -> None:
    late = submit(received_on=TODAY - dt.timedelta(days=33))  # due 3 days ago (Quebec)
    soon = submit(
        "other@example.org", jurisdiction="gdpr", received_on=TODAY - dt.timedelta(days=20)
    )
    # Only verified requests can be late (an unverified one expires instead).
    RightsRequest.objects.update(state="verified", verified_at=NOW)
    signed_in(client, officer)
    client.get("/console/", HTTP_ACCEPT_LANGUAGE="en")
    officer.preferred_language = "en"
    officer.save()
    html = client.get("/console/requests/").content.decode()
    rows = re.findall(
        r"<tr( class=\"overdue\")?>\s*<td><a href=\"/console/requests/([0-9a-f-]+)/\"", html
    )
    assert rows == [(' class="overdue"', str(late.public_id)), ("", str(soon.public_id))]
    assert "3 days overdue · deemed refused (Quebec)" in html
    # 2026-11-05 + one month = 2026-12-05: 10 days left.
    assert "10 days" in html
    french = client.get("/console/requests/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "3 jours de retard · réputée refusée (Québec)" in french
    assert ">10 jours<" in french
    dashboard = client.get("/console/").content.decode()
    assert re.search(
        r'id="figure-requests-overdue">\s*<span class="figure-number">1</span>', dashboard
    )
    assert 'class="figure figure-alarm" id="figure-requests-overdue"' in dashboard
    # Not yet verified and past its due day: said so, not "-3 days".
    RightsRequest.objects.filter(pk=late.pk).update(state="awaiting_verification")
    html = client.get("/console/requests/").content.decode()
    assert "due day passed, identity not yet verified" in html
    assert "-3 day" not in html


def test_workflow_from_the_console(  # noqa: PLR0917 (fixtures)
    client: Client,
    officer,
    second_officer,
    people,
    frozen,
    smtp,
    django_capture_on_commit_callbacks,
) -> None:
    rights = submit(kind="erasure", jurisdiction="pipeda")
    signed_in(client, officer)
    base = f"/console/requests/{rights.public_id}"
    with django_capture_on_commit_callbacks(execute=True):
        yes = {"confirmed": "yes"}
        assert client.post(f"{base}/verify-phone/", yes)["Location"] == f"{base}/?done=verified"
        client.post(f"{base}/assign/", {"assignee": second_officer.pk})
        client.post(f"{base}/note/", {"text": "Called back at the number on file."})
        assert client.post(f"{base}/extend/")["Location"] == f"{base}/?done=reason_needed"
        why = {"reason": "Plusieurs services doivent être consultés."}
        assert client.post(f"{base}/extend/", why)["Location"] == f"{base}/?done=extended"
        assert client.post(f"{base}/extend/", why)["Location"] == f"{base}/?done=extension_refused"
        assert client.post(f"{base}/fulfil/", yes)["Location"] == f"{base}/?done=fulfilled"
    rights.refresh_from_db()
    assert (rights.state, rights.verified_method, rights.verified_by, rights.assigned_to) == (
        "partially_fulfilled",
        "phone",
        officer,
        second_officer,
    )
    assert rights.due_on == TODAY + dt.timedelta(days=60)
    page = client.get(f"{base}/").content.decode()
    assert "Called back at the number on file." in page
    actions = list(
        AuditEvent.objects.filter(object_id=str(rights.public_id)).values_list("action", flat=True)
    )
    assert actions == [
        "rights_request.received",
        "rights_request.transitioned",
        "rights_request.transitioned",
        "rights_request.assigned",
        "rights_request.noted",
        "rights_request.extended",
        "rights_request.transitioned",
        "retention.erasure_request.chunk",  # carried out at once (issue 14 point 4)
        "rights_request.transitioned",
    ]
    subjects = smtp.subjects("camille@example.com")
    assert subjects[0].startswith(
        "Votre code de vérification : "
    )  # sent at submission (the helper folds spaces)
    assert subjects[1:] == [
        "Accusé de réception de votre demande d’effacement",
        "Prolongation du délai de votre demande d’effacement",
        "Réponse partielle à votre demande d’effacement",
    ]
    extension = smtp.to("camille@example.com")[-2].get_content()
    assert (
        "Raison de la prolongation\u00a0: Plusieurs services doivent être consultés." in extension
    )
    partial = smtp.to("camille@example.com")[-1].get_content()
    assert "Commissariat à la protection de la vie privée du Canada (CPVP)" in partial
    assert "Ventes : effacés le 2026-11-25" in partial
    assert "Service à la clientèle : conservés en vertu de la clause §4 ¶2" in partial


def test_a_quebec_request_cannot_be_extended(client: Client, officer, frozen) -> None:
    rights = submit()
    signed_in(client, officer)
    page = client.get(f"/console/requests/{rights.public_id}/").content.decode()
    assert "/extend/" not in page
    response = client.post(f"/console/requests/{rights.public_id}/extend/", {"reason": "x"})
    assert response["Location"].endswith("?done=extension_refused")
    rights.refresh_from_db()
    assert (rights.due_on, rights.extended_on) == (TODAY + dt.timedelta(days=30), None)


def test_denial_with_a_reason(
    client: Client, officer, frozen, smtp, django_capture_on_commit_callbacks
) -> None:
    rights = submit()
    signed_in(client, officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/console/requests/{rights.public_id}/deny/",
            {
                "reason": "insuf_verification",
                "text": "Le code n’a jamais été saisi.",
                "confirmed": "yes",
            },
        )
    rights.refresh_from_db()
    assert (rights.state, rights.denial_reason) == ("denied", "insuf_verification")
    letter = smtp.to("camille@example.com")[-1]
    assert smtp.subjects("camille@example.com")[-1] == "Refus de votre demande d’accès"
    assert "Motif\u00a0: votre identité n’a pas pu être vérifiée" in letter.get_content()
    assert "Vous pouvez contester ce refus auprès de la Commission d’accès" in letter.get_content()
    event = AuditEvent.objects.filter(object_id=str(rights.public_id)).last()
    assert event.payload == {
        "kind": "access",
        "from": "awaiting_verification",
        "to": "denied",
        "reason": "insuf_verification",
        "explained": True,
    }
