"""Encryption at rest for secrets the system must read back (REQUIREMENTS #15: "encryption at
rest"), such as a customer instance's export token.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under a key derived with HKDF from
OMNI_ENCRYPTION_KEY (default: the secret key). Older keys listed in OMNI_ENCRYPTION_OLD_KEYS
still decrypt, so a key can be rotated: set the new key, list the old one, re-save.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"omni-privacy field encryption v1"


class SealError(ValueError):
    """A sealed value could not be opened (wrong key, or tampered with)."""


def _fernet(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys() -> MultiFernet:
    secrets = [str(settings.OMNI_ENCRYPTION_KEY), *settings.OMNI_ENCRYPTION_OLD_KEYS]
    return MultiFernet([_fernet(secret) for secret in secrets])


def seal(plain: str) -> str:
    """The encrypted, authenticated form of ``plain`` (ASCII text, safe in any column)."""
    return _keys().encrypt(plain.encode("utf-8")).decode("ascii")


def unseal(sealed: str) -> str:
    """The value `seal` was given. Raises SealError without saying anything of the value."""
    try:
        return _keys().decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise SealError("the sealed value does not open with OMNI_ENCRYPTION_KEY") from exc
