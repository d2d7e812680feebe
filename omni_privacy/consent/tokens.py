"""The per-recipient withdrawal/objection link in every mailing (notice §9.1; GDPR 7(3):
withdrawing must be as easy as consenting).

A signed token (Django signing under the secret key) naming the person's public id, the
digest of the address the message went to, and the scope the link stops (a purpose, or "all").
It does not expire: a link in a mail read a year later must still work. It carries no address
in clear (the digest is keyed, core/digest.py), and a forged or altered token does not open.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core import signing

SALT = "omni_privacy.consent.unsubscribe"


@dataclass(frozen=True)
class UnsubscribeClaim:
    person_public_id: uuid.UUID | None
    email_digest: str
    scope: str


def unsubscribe_token(*, person_public_id: uuid.UUID | None, email_digest: str, scope: str) -> str:
    body = {"p": str(person_public_id) if person_public_id else "", "d": email_digest, "s": scope}
    return signing.dumps(body, salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> UnsubscribeClaim | None:
    """The claim, or None when the token was not made here (or was altered)."""
    try:
        body = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(body, dict) or not {"p", "d", "s"} <= body.keys():
        return None
    try:
        person = uuid.UUID(body["p"]) if body["p"] else None
    except (ValueError, TypeError, AttributeError):
        return None
    return UnsubscribeClaim(
        person_public_id=person, email_digest=str(body["d"]), scope=str(body["s"])
    )
