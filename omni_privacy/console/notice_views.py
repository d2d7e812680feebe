"""Privacy officers' pages for the privacy notice (notice §11) and the written delegations of
the privacy-officer role (notice §12): the versions and their states, a version's preview with
what changed since the version before, import of a new version, publication (POST, confirmed),
and the delegations with a form to record one. Anyone else gets the console's 403 page
(``require_officer``)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from omni_privacy.accounts.models import PrivacyOfficerDelegation, User
from omni_privacy.accounts.selectors import delegations, privacy_officers
from omni_privacy.accounts.services import privacy_officer_delegate, privacy_officer_revoke
from omni_privacy.console.notice_forms import DelegationForm, NoticeImportForm, PublishForm
from omni_privacy.console.views import done_notice, require_officer
from omni_privacy.core import clock
from omni_privacy.core.errors import InvalidInputError
from omni_privacy.notices.domain.diff import diff_html, has_changes
from omni_privacy.notices.domain.markdown import render_html
from omni_privacy.notices.selectors import (
    NoticeVersionView,
    all_versions,
    previous_version,
    version_by_public_id,
)
from omni_privacy.notices.services import (
    NoticeInput,
    notice_import,
    notice_publish,
    notice_text_decode,
)

# The services' field names, as the import form's.
IMPORT_FIELDS = {
    "identifier": "identifier",
    "version": "version",
    "effective": "effective_on",
    "classification": "classification",
    "fr": "file_fr",
    "en": "file_en",
    "file_fr": "file_fr",
    "file_en": "file_en",
}
DELEGATION_FIELDS = {"user": "user", "document": "document", "until": "valid_until"}


def _staff(request: HttpRequest) -> User:
    return cast(User, request.user)


@require_safe
@login_required
def notices(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    return render(
        request,
        "console/notices.html",
        {"versions": all_versions(), "today": clock.today(), "notice": done_notice(request)},
    )


def _import_page(request: HttpRequest, form: NoticeImportForm, status: int = 200) -> HttpResponse:
    return render(request, "console/notice_import.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def notice_import_page(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    if request.method == "GET":
        versions = all_versions()
        following = max((item.number for item in versions), default=0) + 1
        return _import_page(request, NoticeImportForm(initial={"version": following}))
    form = NoticeImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    data = form.cleaned_data
    try:
        version = notice_import(
            data=NoticeInput(
                identifier=data["identifier"],
                version=data["version"],
                effective_on=data["effective_on"],
                classification=data["classification"],
                text_fr=notice_text_decode(data["file_fr"], field="file_fr"),
                text_en=notice_text_decode(data["file_en"], field="file_en"),
                summary_fr=data["summary_fr"],
                summary_en=data["summary_en"],
            ),
            actor=_staff(request),
        )
    except InvalidInputError as refused:
        for problem in refused.errors:
            form.add_error(IMPORT_FIELDS.get(problem.field), problem.message)
        return _import_page(request, form, status=400)
    url = reverse("console:notice", kwargs={"public_id": version.public_id})
    return redirect(f"{url}?done=notice_imported")


def _diff(previous: NoticeVersionView | None, shown: NoticeVersionView, language: str) -> Any:
    if previous is None:
        return None
    old, new = previous.text(language), shown.text(language)
    return {
        "changed": has_changes(old, new),
        "html": mark_safe(diff_html(old, new)),  # noqa: S308 - diff_html escapes the texts
    }


def _detail_page(
    request: HttpRequest,
    shown: NoticeVersionView,
    *,
    form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    previous = previous_version(shown)
    return render(
        request,
        "console/notice_detail.html",
        {
            "shown": shown,
            "previous": previous,
            "today": clock.today(),
            # render_html escapes every character of the texts.
            "text_fr": mark_safe(render_html(shown.text_fr)),  # noqa: S308
            "text_en": mark_safe(render_html(shown.text_en)),  # noqa: S308
            "diff_fr": _diff(previous, shown, "fr"),
            "diff_en": _diff(previous, shown, "en"),
            "form": form or PublishForm(),
            "notice": done_notice(request),
        },
        status=status,
    )


def _version(public_id: uuid.UUID) -> NoticeVersionView:
    shown = version_by_public_id(str(public_id))
    if shown is None:
        raise Http404
    return shown


@require_safe
@login_required
def notice_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A version as the public will read it (drafts included: the preview), and its changes."""
    require_officer(request)
    return _detail_page(request, _version(public_id))


@require_POST
@login_required
def notice_publish_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    require_officer(request)
    shown = _version(public_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, shown, form=form, status=400)
    try:
        notice_publish(version_id=shown.pk, actor=_staff(request), at=clock.now())
    except InvalidInputError as refused:
        for problem in refused.errors:
            form.add_error(None, problem.message)
        return _detail_page(request, shown, form=form, status=400)
    url = reverse("console:notice", kwargs={"public_id": public_id})
    return redirect(f"{url}?done=notice_published")


def _officers_page(request: HttpRequest, form: DelegationForm, status: int = 200) -> HttpResponse:
    today = clock.today()
    return render(
        request,
        "console/officers.html",
        {
            "holders": privacy_officers(at=today),
            "delegations": [(item, item.holds_on(today)) for item in delegations()],
            "form": form,
            "today": today,
            "notice": done_notice(request),
        },
        status=status,
    )


@require_safe
@login_required
def officers(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    return _officers_page(request, DelegationForm(initial={"valid_from": clock.today()}))


@require_POST
@login_required
def officer_delegate(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    form = DelegationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            privacy_officer_delegate(
                user=data["user"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                document=data["document"],
                actor=_staff(request),
                at=clock.now(),
            )
        except InvalidInputError as refused:
            for problem in refused.errors:
                form.add_error(DELEGATION_FIELDS.get(problem.field), problem.message)
        else:
            return redirect(f"{reverse('console:officers')}?done=delegation_recorded")
    return _officers_page(request, form, status=400)


@require_POST
@login_required
def officer_revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """End a delegation from today on."""
    require_officer(request)
    delegation = get_object_or_404(PrivacyOfficerDelegation, public_id=public_id)
    try:
        privacy_officer_revoke(
            delegation=delegation, on=clock.today(), actor=_staff(request), at=clock.now()
        )
    except InvalidInputError:
        done = "delegation_already_revoked"
    else:
        done = "delegation_revoked"
    return redirect(f"{reverse('console:officers')}?done={done}")
