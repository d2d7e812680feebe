"""The governance summary Quebec's s.3.2 asks an enterprise to publish (issue 16 point 5): the
policies framing keeping and destruction, the roles, complaints; in plain language, from the
same policy file and records of processing as the console's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from omni_privacy.dsr.domain.authorities import AUTHORITIES
from omni_privacy.policy.loader import active_policy
from omni_privacy.registers.ropa import activities


@require_safe
def governance(request: HttpRequest, language: str) -> HttpResponse:
    policy = active_policy()
    other = "en" if language == "fr" else "fr"
    with translation.override(language):
        return render(
            request,
            "registers/governance.html",
            {
                "language": language,
                "other_language": other,
                "other_url": reverse(f"portal:governance_{other}"),
                "notice": policy.notice,
                "rules": [(rule.section, rule.text.get(language)) for rule in policy.retention],
                "activities": activities(language=language),
                "authorities": [
                    (authority.name(language), authority.url) for authority in AUTHORITIES.values()
                ],
                "notice_url": reverse(f"portal:notice_{language}"),
                "rights_url": reverse(f"portal:rights_{language}"),
            },
        )
