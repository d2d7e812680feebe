"""The public privacy notice (notice §11, §12; REQUIREMENTS #25, #26): the version in force in
French and in English, every published version on its own page with what changed, and a
readable difference between any two published versions. Drafts are never shown here.

No cookie (notice §2.3): these views touch neither the session nor the CSRF token, and load
nothing from another site.
"""

from __future__ import annotations

import functools
import re
from html import escape
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from omni_privacy.core import clock
from omni_privacy.notices.domain.diff import diff_html, has_changes
from omni_privacy.notices.domain.markdown import render_html
from omni_privacy.notices.selectors import (
    NoticeVersionView,
    current_notice,
    published_stamp,
    published_version,
    published_versions,
)
from omni_privacy.policy.loader import active_policy
from omni_privacy.portal.pagecache import cached_page

URL_NAMES = {
    "notice": {"fr": "portal:notice_fr", "en": "portal:notice_en"},
    "version": {"fr": "portal:notice_version_fr", "en": "portal:notice_version_en"},
    "compare": {"fr": "portal:notice_compare_fr", "en": "portal:notice_compare_en"},
}


def _other(language: str) -> str:
    return "en" if language == "fr" else "fr"


def _version_url(language: str, number: int) -> str:
    return reverse(URL_NAMES["version"][language], kwargs={"number": number})


def _history(language: str, current: NoticeVersionView | None) -> list[dict[str, Any]]:
    today = clock.today()
    return [
        {
            "version": item,
            "summary": item.summary(language),
            "url": _version_url(language, item.number),
            "current": current is not None and item.number == current.number,
            "upcoming": item.effective_on > today,
        }
        for item in published_versions()
    ]


def _page(
    request: HttpRequest,
    language: str,
    template: str,
    context: dict[str, Any],
    *,
    other_url: str,
    status: int = 200,
    current: NoticeVersionView | None,
) -> HttpResponse:
    """``current``: the version in force today (the caller has often read it already)."""
    history = _history(language, current)
    context |= {
        "language": language,
        "other_language": _other(language),
        "other_url": other_url,
        "current": current,
        "history": history,
        "notice_url": reverse(URL_NAMES["notice"][language]),
        "compare_url": reverse(URL_NAMES["compare"][language]),
        "contact": active_policy().notice.privacy_officer_contact,
        "today": clock.today(),
    }
    return render(request, template, context, status=status)


# The sections that say how to exercise one's rights (§9.2) and whom to contact (§12): each is
# followed by a link to the rights request form.
# A heading may end a paragraph in a notice pasted from a document ("… the Service. 9.2.
# Exercising Your Rights"): the section number, then a short capitalised title, then the end.
_RIGHTS_SECTIONS = re.compile(r"(<(p|h\d)>(?:[^<]*\s)?(?:9\.2|12)\.\s[A-ZÉ][^<.]{0,60}</\2>)")
RIGHTS_LINK = {
    "fr": "Exercer vos droits : le formulaire de demande",
    "en": "Exercise your rights: the request form",
}


def _with_rights_links(html: str, language: str) -> str:
    url = reverse("portal:rights_fr" if language == "fr" else "portal:rights_en")
    link = f'<p class="rights-link"><a href="{url}">{escape(RIGHTS_LINK[language])}</a></p>'
    return _RIGHTS_SECTIONS.sub(lambda match: match.group(1) + link, html)


def _text_html(version: NoticeVersionView, language: str) -> str:
    # render_html escapes every character of the text, and the links are ours: safe.
    return mark_safe(_rendered(version.text(language), language))  # noqa: S308


@functools.lru_cache(maxsize=64)
def _rendered(text: str, language: str) -> str:
    """A published version's text never changes: each process renders it once per language
    (issue 18 point 5: the notice is the most visited public page). The text itself is the
    key, so a changed text can never be served stale."""
    return _with_rights_links(render_html(text), language)


@require_safe
def notice(request: HttpRequest, language: str) -> HttpResponse:
    """The version in force today; with ``?from=N&to=M``, the difference between two."""
    if "from" in request.GET or "to" in request.GET:
        return compare(request, language)

    def build() -> HttpResponse:
        current = current_notice(at=clock.today())
        context: dict[str, Any] = {"shown": current}
        if current is not None:
            context["text_html"] = _text_html(current, language)
        return _page(
            request,
            language,
            "portal/notice.html",
            context,
            other_url=reverse(URL_NAMES["notice"][_other(language)]),
            status=200 if current is not None else 404,
            current=current,
        )

    with translation.override(language):
        # The versions in force and their history: the page changes only when they do.
        return cached_page(request, published_stamp(), build)


@require_safe
def notice_version(request: HttpRequest, language: str, number: int) -> HttpResponse:
    """One published version, in force or not (a draft is "not found")."""
    with translation.override(language):
        shown = published_version(number=number)
        context: dict[str, Any] = {"shown": shown, "version_page": True}
        if shown is not None:
            context["text_html"] = _text_html(shown, language)
        return _page(
            request,
            language,
            "portal/notice.html",
            context,
            other_url=_version_url(_other(language), number),
            status=200 if shown is not None else 404,
            current=current_notice(at=clock.today()),
        )


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_safe
def compare(request: HttpRequest, language: str) -> HttpResponse:
    """What changed between two published versions, word by word, in the page's language."""
    with translation.override(language):
        first, second = _number(request.GET.get("from")), _number(request.GET.get("to"))
        old = published_version(number=first) if first is not None else None
        new = published_version(number=second) if second is not None else None
        context: dict[str, Any] = {"old": old, "new": new, "asked": bool(request.GET)}
        status = 200
        if old is not None and new is not None:
            context["diff_html"] = mark_safe(  # noqa: S308 - diff_html escapes the texts
                diff_html(old.text(language), new.text(language))
            )
            context["changed"] = has_changes(old.text(language), new.text(language))
            context["old_url"] = _version_url(language, old.number)
            context["new_url"] = _version_url(language, new.number)
        elif request.GET:
            status = 404
        query = f"?{urlencode({'from': old.number, 'to': new.number})}" if old and new else ""
        return _page(
            request,
            language,
            "portal/notice_compare.html",
            context,
            other_url=reverse(URL_NAMES["compare"][_other(language)]) + query,
            status=status,
            current=current_notice(at=clock.today()),
        )
