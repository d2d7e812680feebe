from tests.dsr.conftest import smtp  # noqa: F401 - the loopback SMTP server, a fixture
