import pytest

from tests.accounts.helpers import fresh_g_per_request


@pytest.fixture(autouse=True)
def _fresh_g(app):
    """The test harness keeps one app context per test, so `g` (Flask-Login's current user, the CSP
    nonce) would survive from one request to the next; a real server starts each request clean."""
    with fresh_g_per_request(app):
        yield
