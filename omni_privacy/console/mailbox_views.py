"""The development mailbox in the console (issue 14 point 8): with no SMTP server configured,
outgoing mail is kept as files on this machine (outbox/mailbox.py); privacy officers read it
here. The pages exist only while that delivery is on (404 otherwise) and only for privacy
officers (403), since the messages hold addresses, codes and letters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from omni_privacy.console.views import require_officer
from omni_privacy.outbox.mailbox import (
    mailbox_dir,
    mailbox_in_use,
    mailbox_message,
    mailbox_messages,
)

SHOWN = 100


def _open(request: HttpRequest) -> None:
    if not mailbox_in_use():
        raise Http404
    require_officer(request)


@require_safe
@login_required
def mailbox(request: HttpRequest) -> HttpResponse:
    _open(request)
    return render(
        request,
        "console/mailbox.html",
        {"messages_kept": mailbox_messages(limit=SHOWN), "folder": mailbox_dir(), "shown": SHOWN},
    )


@require_safe
@login_required
def mailbox_read(request: HttpRequest, name: str) -> HttpResponse:
    _open(request)
    message = mailbox_message(name)
    if message is None:
        raise Http404
    return render(request, "console/mailbox_message.html", {"message": message})
