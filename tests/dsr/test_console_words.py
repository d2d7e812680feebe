"""The request pages in words (issue 14 point 6): history as sentences with the staff member's
name, the requester's name and address, language names, the queue's search (posted), filters
and sorting."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from tests.dsr.conftest import TODAY
from tests.dsr.test_console import signed_in, submit

pytestmark = pytest.mark.django_db


def queue_ids(html: str) -> list[str]:
    return re.findall(r'<td><a href="/console/requests/([0-9a-f-]+)/"', html)


def test_the_case_page_names_people_and_says_what_happened(
    client: Client, officer, second_officer, people, frozen
) -> None:
    rights = submit(kind="erasure", jurisdiction="pipeda")
    signed_in(client, officer)
    base = f"/console/requests/{rights.public_id}"
    client.post(f"{base}/verify-phone/", {"confirmed": "yes"})
    client.post(f"{base}/assign/", {"assignee": second_officer.pk})
    html = client.get(f"{base}/").content.decode().replace("&#x27;", "'")
    assert '<dd id="requester-name">Camille Tremblay</dd>' in html
    assert '<dd id="requester-email">camille@example.com</dd>' in html
    assert '<dd id="request-language">Français</dd>' in html
    history = html[html.index('id="history"') :]
    assert "Pat Gagnon" in history
    assert "Identité vérifiée par téléphone" in history
    assert "Attribuée à dominique.qa." in history
    assert "rights_request." not in history
    assert "user:" not in history


def test_the_language_is_named_in_the_readers_language(client: Client, officer, frozen):
    rights = submit()  # a French request
    officer.preferred_language = "en"
    officer.save()
    signed_in(client, officer)
    html = client.get(f"/console/requests/{rights.public_id}/").content.decode()
    assert '<dd id="request-language">French</dd>' in html


def test_the_queue_filters_searches_by_post_and_sorts(client: Client, officer, frozen) -> None:
    quebec = submit(received_on=TODAY - dt.timedelta(days=25))  # due in 5 days
    gdpr = submit("dana@example.org", kind="erasure", jurisdiction="gdpr")
    pipeda = submit("lee@example.net", kind="objection", jurisdiction="pipeda")
    signed_in(client, officer)
    queue = "/console/requests/"
    every = queue_ids(client.get(queue).content.decode())
    assert every[0] == str(quebec.public_id)  # soonest due first
    assert set(every) == {str(r.public_id) for r in (quebec, gdpr, pipeda)}
    # Filters by GET (no personal data in them).
    assert queue_ids(client.get(queue, {"jurisdiction": "gdpr"}).content.decode()) == [
        str(gdpr.public_id)
    ]
    assert queue_ids(client.get(queue, {"kind": "objection"}).content.decode()) == [
        str(pipeda.public_id)
    ]
    assert queue_ids(client.get(queue, {"due_within": "7"}).content.decode()) == [
        str(quebec.public_id)
    ]
    # The search is posted; an address in the query string is not a search.
    found = client.post(queue, {"q": "DANA@example.org"}).content.decode()
    assert queue_ids(found) == [str(gdpr.public_id)]
    assert len(queue_ids(client.get(queue, {"q": "dana@example.org"}).content.decode())) == 3
    assert queue_ids(client.post(queue, {"q": str(pipeda.public_id)[:8]}).content.decode()) == [
        str(pipeda.public_id)
    ]
    assert queue_ids(client.post(queue, {"q": "nobody@example.com"}).content.decode()) == []
    # Sorting.
    latest = queue_ids(client.get(queue, {"order": "-due"}).content.decode())
    assert latest[-1] == str(quebec.public_id)
    # Assignee: nobody yet.
    assert len(queue_ids(client.get(queue, {"assignee": "none"}).content.decode())) == 3


def test_irreversible_steps_ask_for_confirmation_first(client: Client, officer, frozen) -> None:
    rights = submit()
    signed_in(client, officer)
    base = f"/console/requests/{rights.public_id}"
    for action in ("verify-phone", "withdraw", "fulfil"):
        page = client.post(f"{base}/{action}/")
        assert page.status_code == 200
        assert 'id="consequence"' in page.content.decode()
        assert 'name="confirmed" value="yes"' in page.content.decode()
    denial = {"reason": "insuf_verification", "text": "Pas de code."}
    page = client.post(f"{base}/deny/", denial).content.decode()
    assert 'name="text" value="Pas de code."' in page  # carried to the confirmation
    rights.refresh_from_db()
    assert rights.state == "awaiting_verification"  # nothing done yet


def test_an_erasure_is_previewed_then_carried_out(client: Client, officer, people, frozen):
    from omni_privacy.registry.models import Holding

    rights = submit(kind="erasure", jurisdiction="pipeda")
    signed_in(client, officer)
    base = f"/console/requests/{rights.public_id}"
    client.post(f"{base}/verify-phone/", {"confirmed": "yes"})
    preview = client.post(f"{base}/fulfil/").content.decode().replace("&#x27;", "'")
    erased = preview[preview.index('id="erased-list"') : preview.index('id="kept-title"')]
    assert "Ventes (Globex)\u00a0: effacés le 2026-11-25" in erased
    kept = preview[preview.index('id="kept-list"') :]
    assert "Service à la clientèle : conservés en vertu de la clause §4 ¶2" in kept
    assert Holding.objects.filter(pk=people.camille_sales.pk).exists()  # preview only
    # The answer letter, previewed as it will be sent (the person's French), and in English.
    letter = preview[
        preview.index('id="answer-letter"') : preview.index(
            "</pre>", preview.index('id="answer-letter"')
        )
    ]
    assert "Service à la clientèle : conservés en vertu de la clause §4 ¶2" in letter
    assert "Réponse partielle à votre demande d’effacement" in preview
    english = preview[preview.index('id="letter-en"') :]
    assert (
        "<summary>La lettre en anglais (non envoyée : pour lecture seulement)</summary>" in english
    )
    assert "Partial answer to your erasure request" in english
    assert "kept under clause §4 ¶2" in english
    rights.refresh_from_db()
    assert rights.state == "verified"
    client.post(f"{base}/fulfil/", {"confirmed": "yes"})
    assert not Holding.objects.filter(pk=people.camille_sales.pk).exists()
    assert Holding.objects.filter(pk=people.camille_service.pk).exists()
    rights.refresh_from_db()
    assert rights.state == "partially_fulfilled"


def test_a_denial_needs_a_chosen_reason_and_an_explanation_and_shows_its_letter(
    client: Client, officer, frozen
) -> None:
    """The walk: no reason was preset, an empty explanation was accepted, and the confirmation
    was titled by the request's kind without the reason or the letter."""
    rights = submit()
    signed_in(client, officer)
    base = f"/console/requests/{rights.public_id}"
    form = client.get(f"{base}/").content.decode()
    deny = form[form.index('id="deny-form"') :]
    assert '<option value="" selected>Choisissez le motif…</option>' in deny
    assert client.post(f"{base}/deny/", {"reason": "", "text": "x"})["Location"].endswith(
        "?done=invalid"
    )
    empty = {"reason": "insuf_verification", "text": "  "}
    assert client.post(f"{base}/deny/", empty)["Location"].endswith("?done=invalid")
    page = client.post(
        f"{base}/deny/", {"reason": "insuf_verification", "text": "Le code n’a jamais été saisi."}
    ).content.decode()
    assert "<h1>Refuser la demande et envoyer la lettre</h1>" in page
    assert '<dd id="denial-reason">L’identité n’a pas pu être vérifiée</dd>' in page
    letter = page[page.index('id="denial-letter"') :]
    assert "Le code n’a jamais été saisi." in letter
    english = page[page.index('id="letter-en"') :]
    assert "Your access request is refused" in english
    assert "Le code n’a jamais été saisi." in english  # the officer's own words, as written
    rights.refresh_from_db()
    assert rights.state == "awaiting_verification"  # nothing done yet
