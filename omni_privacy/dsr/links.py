"""Signed links back to a rights request (issue 14 point 3), for the person's mail.

- The *ticket* names a request awaiting verification: it opens the verification page (from the
  code mail, after a reload, in the other language). It proves nothing about the address: the
  code does. It lasts as long as an unverified request does (OMNI_DSR_UNVERIFIED_DAYS).
- The *status link* is mailed to the request's address on a status lookup: opening it proves
  the address, so it starts the verified session. It lasts OMNI_DSR_STATUS_LINK_HOURS.

Both hold only the request's public id (a random UUID), signed: nothing personal in a URL.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from omni_privacy.dsr.models import RightsRequest
from omni_privacy.dsr.selectors import request_by_id

TICKET_SALT = "omni_privacy.dsr.ticket"
STATUS_SALT = "omni_privacy.dsr.status-link"
VERIFY_NAMES = {"fr": "portal:rights_verify_fr", "en": "portal:rights_verify_en"}
STATUS_NAMES = {"fr": "portal:rights_link_fr", "en": "portal:rights_link_en"}


def unverified_lifetime() -> dt.timedelta:
    return dt.timedelta(days=int(settings.OMNI_DSR_UNVERIFIED_DAYS))


def status_link_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=int(settings.OMNI_DSR_STATUS_LINK_HOURS))


def ticket_for(request: RightsRequest) -> str:
    return signing.dumps(str(request.public_id), salt=TICKET_SALT)


def decoy_ticket() -> str:
    """A well-signed ticket that names no request (the honeypot's answer)."""
    return signing.dumps("0", salt=TICKET_SALT)


def ticket_request(ticket: str) -> RightsRequest | None:
    try:
        public_id = signing.loads(ticket, salt=TICKET_SALT, max_age=unverified_lifetime())
    except signing.BadSignature:
        return None
    return request_by_id(public_id)


def ticket_valid(ticket: str) -> bool:
    try:
        signing.loads(ticket, salt=TICKET_SALT, max_age=unverified_lifetime())
    except signing.BadSignature:
        return False
    return True


def verify_path(language: str, ticket: str) -> str:
    return f"{reverse(VERIFY_NAMES[language])}?t={ticket}"


def verify_link(request: RightsRequest) -> str:
    """The absolute link of the code mail: the verification page of this request."""
    return settings.OMNI_PUBLIC_URL + verify_path(request.language, ticket_for(request))


def status_token(request: RightsRequest) -> str:
    return signing.dumps(str(request.public_id), salt=STATUS_SALT)


def status_request(token: str) -> RightsRequest | None:
    try:
        public_id = signing.loads(token, salt=STATUS_SALT, max_age=status_link_lifetime())
    except signing.BadSignature:
        return None
    return request_by_id(public_id)


def status_link(request: RightsRequest, language: str) -> str:
    return settings.OMNI_PUBLIC_URL + reverse(STATUS_NAMES[language], args=[status_token(request)])
