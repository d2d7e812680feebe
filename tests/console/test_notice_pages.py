"""The console's Notices and Privacy officers pages (notice §11, §12): privacy officers only;
import a version from uploaded files, preview it with its changes, publish it (confirmed);
record and revoke delegations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from omni_privacy.accounts.models import PrivacyOfficerDelegation, Team
from omni_privacy.accounts.selectors import privacy_officers
from omni_privacy.audit.models import AuditEvent
from omni_privacy.notices.models import NoticeState, NoticeVersion
from tests.console.conftest import make_user
from tests.console.test_views import in_english
from tests.notices.conftest import make_version

pytestmark = pytest.mark.django_db


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/markdown")


def _import(client: Client, **changes):
    form = {
        "identifier": "QAC-REC-004",
        "version": "3",
        "effective_on": "2027-01-01",
        "classification": "public",
        "file_fr": _upload("v3.fr.md", "## 1. But\n\nOmni conserve les données 3 ans.\n".encode()),
        "file_en": _upload("v3.en.md", b"## 1. Purpose\n\nOmni keeps data for 3 years.\n"),
        "summary_fr": "Trois ans.",
        "summary_en": "Three years.",
    } | changes
    return client.post("/console/notices/import/", form)


def test_only_privacy_officers_reach_the_pages(
    client: Client, sales_user, service_user, officer
) -> None:
    version = make_version(2, dt.date(2024, 2, 8), publish=False)
    delegation = PrivacyOfficerDelegation.objects.create(
        user=officer, valid_from=dt.date(2024, 1, 1), document="D", recorded_at=version.created_at
    )
    pages = [
        "/console/notices/",
        "/console/notices/import/",
        f"/console/notices/{version.public_id}/",
        "/console/officers/",
    ]
    posts = [
        f"/console/notices/{version.public_id}/publish/",
        "/console/officers/delegate/",
        f"/console/officers/{delegation.public_id}/revoke/",
    ]
    for user in (sales_user, service_user):
        client.force_login(user)
        assert [client.get(url).status_code for url in pages] == [403, 403, 403, 403]
        assert [client.post(url, {"confirm": "on"}).status_code for url in posts] == [403, 403, 403]
        assert "/console/notices/" not in client.get("/console/").content.decode()
    assert NoticeVersion.objects.get().state == NoticeState.DRAFT
    assert PrivacyOfficerDelegation.objects.get().revoked_on is None
    client.force_login(officer)
    assert [client.get(url).status_code for url in pages] == [200, 200, 200, 200]
    navigation = client.get("/console/").content.decode()
    assert '<a href="/console/notices/">' in navigation
    assert '<a href="/console/officers/">' in navigation
    client.logout()
    assert client.get("/console/notices/").status_code == 302  # to the sign-in page


def test_import_preview_and_publish(client: Client, officer) -> None:
    make_version(2, dt.date(2024, 2, 8))
    in_english(officer)
    client.force_login(officer)
    assert client.get("/console/notices/import/").context["form"]["version"].value() == 3
    response = _import(client)
    draft = NoticeVersion.objects.get(version=3)
    assert response.status_code == 302
    assert response["Location"] == f"/console/notices/{draft.public_id}/?done=notice_imported"
    page = client.get(response["Location"]).content.decode()
    assert "The version is recorded as a draft." in page
    assert "Changes since version 2" in page
    assert '<p class="diff-changed">Omni keeps data for <del>2</del><ins>3</ins> years.</p>' in page
    assert (
        '<p class="diff-changed">Omni conserve les données <del>2</del><ins>3</ins> ans.</p>'
        in page
    )
    assert '<article lang="en" class="card"><h3>English</h3><h2>1. Purpose</h2>' in page
    assert "Draft" in client.get("/console/notices/").content.decode()
    # A draft is previewed in the console only.
    assert "3 years" not in Client().get("/en/privacy-notice/v/3").content.decode()

    publish = f"/console/notices/{draft.public_id}/publish/"
    unconfirmed = client.post(publish, {})
    assert unconfirmed.status_code == 400
    assert unconfirmed.context["form"].errors["confirm"] == ["This field is required."]
    assert NoticeVersion.objects.get(pk=draft.pk).state == NoticeState.DRAFT
    done = client.post(publish, {"confirm": "on"})
    assert done["Location"] == f"/console/notices/{draft.public_id}/?done=notice_published"
    published = NoticeVersion.objects.get(pk=draft.pk)
    assert (published.state, published.published_by) == (NoticeState.PUBLISHED, officer)
    assert (
        AuditEvent.objects.filter(
            action="notice.published", actor=f"user:{officer.public_id}"
        ).count()
        == 1
    )
    page = client.get(done["Location"]).content.decode()
    assert "The version is published." in page
    assert 'action="/console/notices/' not in page  # no publish form any more
    again = client.post(publish, {"confirm": "on"})
    assert again.status_code == 400
    assert again.context["form"].non_field_errors() == ["QAC-REC-004 v3 is already published"]


def test_import_refusals_are_shown_on_their_field(client: Client, officer) -> None:
    make_version(2, dt.date(2024, 2, 8))
    in_english(officer)
    client.force_login(officer)
    latin = _import(client, file_fr=_upload("fr.txt", "Données".encode("latin-1")))
    assert latin.status_code == 400
    assert latin.context["form"].errors["file_fr"] == [
        "is not UTF-8 text (invalid byte at offset 4)"
    ]
    duplicate = _import(client, version="2")
    assert duplicate.context["form"].errors["version"] == ["version 2 already exists"]
    early = _import(client, effective_on="2024-01-01")
    assert early.context["form"].errors["effective_on"] == [
        "is before 2024-02-08, the effective date of version 2"
    ]
    empty = _import(client, file_en=_upload("en.md", b"\n \n"))
    assert empty.context["form"].errors["file_en"] == ["the text is empty"]
    assert NoticeVersion.objects.count() == 1


def test_record_and_revoke_a_delegation(client: Client, officer) -> None:
    lead = make_user("qa.lead", Team.PRIVACY_OFFICE)
    make_user("sam.other", Team.SALES)
    in_english(officer)
    client.force_login(officer)
    page = client.get("/console/officers/")
    assert "Nobody holds the role today." in page.content.decode()
    assert [choice[0] for choice in page.context["form"].fields["user"].choices][1:] == [
        "pat.officer",
        "qa.lead",
    ]
    refused = client.post(
        "/console/officers/delegate/",
        {"user": "sam.other", "valid_from": "2026-01-01", "document": "DEL-7"},
    )
    assert refused.status_code == 400
    assert "user" in refused.context["form"].errors
    done = client.post(
        "/console/officers/delegate/",
        {"user": "qa.lead", "valid_from": "2026-01-01", "document": "DEL-7"},
    )
    assert done["Location"] == "/console/officers/?done=delegation_recorded"
    delegation = PrivacyOfficerDelegation.objects.get()
    assert (delegation.user, delegation.recorded_by, delegation.document) == (
        lead,
        officer,
        "DEL-7",
    )
    assert privacy_officers(at=dt.date(2026, 11, 25)) == [lead]
    page = client.get(done["Location"]).content.decode()
    assert "The delegation is recorded." in page
    assert "Holding the role today: <strong>qa.lead</strong>" in page
    revoked = client.post(f"/console/officers/{delegation.public_id}/revoke/")
    assert revoked["Location"] == "/console/officers/?done=delegation_revoked"
    assert PrivacyOfficerDelegation.objects.get().revoked_on == dt.date(2026, 11, 25)
    assert privacy_officers(at=dt.date(2026, 11, 25)) == []
    assert "Revoked from 2026-11-25" in client.get("/console/officers/").content.decode()
