"""A form-only address opened in a browser answers the friendly error page, not an empty 405."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.console.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_console_form_address_opened_answers_a_page_in_the_readers_language(
    client: Client,
) -> None:
    client.force_login(make_user("pat.officer", "privacy_office"))
    response = client.get("/console/retention/holds/", HTTP_ACCEPT_LANGUAGE="fr-CA")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert "Cette adresse ne reçoit qu’un formulaire" in html
    assert "Retour à la console" in html


def test_the_api_keeps_its_own_405(client: Client) -> None:
    response = client.delete("/api/openapi.json")
    assert response.status_code in (401, 405)
    assert b"Cette adresse" not in response.content
