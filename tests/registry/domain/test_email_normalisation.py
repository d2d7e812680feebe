"""The gate's address normalisation is email-validator's, with a shortcut for plain addresses
(a dot-atom local part of common characters: only the domain is asked of the library, once
per domain). These compare the two on generated and boundary addresses, and show the
shortcut is taken."""

from __future__ import annotations

from unittest import mock

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from omni_privacy.registry.domain import gate
from omni_privacy.registry.domain.gate import normalize_email


def _library(raw: str) -> str | None:
    try:
        return str(validate_email(raw.strip(), check_deliverability=False).normalized)
    except EmailNotValidError:
        return None


def _ours(raw: str) -> str | None:
    try:
        return normalize_email(raw)
    except EmailNotValidError:
        return None


LOCAL = st.text(alphabet='abcXYZ019._+-!#~é@ "', min_size=0, max_size=70)
DOMAINS = [
    "example.com", "Example.COM", "example.org", "EXAMPLE.net", "example.test", "localhost",
    "example", "exa_mple.com", "example.123", "ex-ample.co", "-example.com", "example-.com",
    "exämple.com", "xn--exmple-cua.com", "example..com", ".example.com", "example.com.",
    "[127.0.0.1]", "sub.example.com", "123.com",
]  # fmt: skip
DOMAIN = st.one_of(
    st.sampled_from(DOMAINS), st.text(alphabet="abcXYZ019.-_é", min_size=0, max_size=30)
)


@settings(max_examples=600, deadline=None)
@given(local=LOCAL, domain=DOMAIN, padding=st.sampled_from(["", " ", "\t"]))
def test_the_same_answer_as_email_validator(local: str, domain: str, padding: str) -> None:
    raw = f"{padding}{local}@{domain}{padding}"
    assert _ours(raw) == _library(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "a" * 64 + "@example.com",  # the longest local part
        "a" * 65 + "@example.com",  # one too long
        "a@" + ".".join(["b" * 63] * 3) + "." + "c" * 50 + ".com",  # a long domain
        "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".example.com",  # past 254 in all
        "Jean.Dupont@Example.COM",
        "jean..dupont@example.com",
        ".jean@example.com",
        "jean.@example.com",
        "jean@@example.com",
        "jean@example.com@example.com",
        "@example.com",
        "jean@",
        "jean",
        "",
        "José@example.com",
        "jean@exämple.com",
        '"jean dupont"@example.com',
        "jean+tag@example.com",
    ],
)
def test_boundaries(raw: str) -> None:
    assert _ours(raw) == _library(raw)


def test_a_plain_address_asks_the_library_once_per_domain() -> None:
    gate._plain_domain.cache_clear()
    with mock.patch.object(gate, "validate_email", wraps=validate_email) as library:
        for number in range(50):
            assert normalize_email(f"Person.{number}@Example.COM") == (
                f"Person.{number}@example.com"
            )
    assert library.call_count == 1
