"""API tokens in the console (issue 15 point 5): officers see every token without the token
itself, and revoke one after a confirmation that states the consequence."""

from __future__ import annotations

import pytest
from django.test import Client

from omni_privacy.accounts.models import StaffApiToken
from omni_privacy.accounts.tokens import api_token_create, api_token_user
from omni_privacy.core import clock
from tests.console.test_views import in_english

pytestmark = pytest.mark.django_db


def test_officers_list_and_revoke_after_confirming(client: Client, officer, sales_user) -> None:
    token, raw = api_token_create(user=sales_user, actor="test", name="CRM sync")
    client.force_login(sales_user)
    assert client.get("/console/tokens/").status_code == 403
    in_english(officer)
    client.force_login(officer)
    page = client.get("/console/tokens/").content.decode()
    assert "CRM sync" in page
    assert token.prefix in page
    assert raw not in page
    confirm = client.get(f"/console/tokens/{token.prefix}/revoke/").content.decode()
    assert "cannot be restored" in confirm
    assert StaffApiToken.objects.get().revoked_at is None  # asking is not revoking
    done = client.post(f"/console/tokens/{token.prefix}/revoke/")
    assert done["Location"].endswith("?done=revoked")
    assert api_token_user(raw, now=clock.now()) is None
    again = client.post(f"/console/tokens/{token.prefix}/revoke/")
    assert again["Location"].endswith("?done=already")
