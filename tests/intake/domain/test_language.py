"""The language of an inbound message (intake/domain/language.py). Pure."""

from __future__ import annotations

import pytest

from omni_privacy.intake.domain.language import language_of


@pytest.mark.parametrize(
    ("header", "text", "expected"),
    [
        ("fr-CA", "Hello, we would like a quote.", "fr"),
        ("de, en-GB", "", "en"),
        (None, "Bonjour, nous aimerions avoir une soumission pour votre logiciel. Merci!", "fr"),
        (None, "Hello, we would like a quote for your software. Thanks!", "en"),
        (None, "Devis?", None),
        ("es", "Hola, quisiera una cotización.", None),
        (None, "Bonjour, hello, merci, thanks", None),
    ],
)
def test_language_of(header, text, expected) -> None:
    assert language_of(header, text) == expected
