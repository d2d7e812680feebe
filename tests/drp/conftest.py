from tests.dsr.conftest import frozen, officer, smtp  # noqa: F401 - shared fixtures
