"""The domain's refusals are codes with English templates (core/errors.py); these tests read
them as an English reader does. Each interface's French is tested where it is said."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_reader() -> Iterator[None]:
    with translation.override("en"):
        yield
