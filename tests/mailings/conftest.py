import pytest

from tests.mailings.factory import People, build_people
from tests.smtp import smtp_server

__all__ = ["smtp_server"]

PUBLIC_URL = "https://privacy.example.com"


@pytest.fixture
def people(settings) -> People:
    settings.OMNI_PUBLIC_URL = PUBLIC_URL
    return build_people()
