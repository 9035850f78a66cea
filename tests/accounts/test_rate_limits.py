"""Rate limits (Flask-Limiter) on login, registration and password reset.

The test suite runs with RATELIMIT_ENABLED False; these tests build their own app with the limiter on.
Only read-only requests are made (unknown addresses, invalid forms), so nothing needs cleaning up.
"""
from __future__ import annotations

import pytest

from tests.accounts.helpers import text
from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db, limiter

TOO_OFTEN = "U probeert het te vaak. Wacht even en probeer het dan opnieuw."


@pytest.fixture
def limited_app(app):
    was_enabled = limiter.enabled
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
    config.RATELIMIT_ENABLED = True
    config.RATELIMIT_STORAGE_URI = "memory://"
    limited = create_app(config)
    limiter.reset()
    yield limited
    limiter.reset()
    limiter.enabled = was_enabled  # the limiter object is shared: switch it off again for other tests
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


def from_ip(n: int) -> dict:
    return {"REMOTE_ADDR": f"10.0.0.{n}"}


def test_login_is_limited_per_ip_with_a_clear_dutch_message(limited_app):
    client = limited_app.test_client()
    for n in range(10):
        response = client.post("/inloggen", data={"email": f"iemand{n}@example.org", "password": "x"})
        assert response.status_code == 400
    response = client.post("/inloggen", data={"email": "nog-iemand@example.org", "password": "x"})
    assert response.status_code == 429
    assert TOO_OFTEN in text(response)
    assert response.headers.get("Retry-After")
    assert "<h1" in text(response)  # a normal page in the site's layout
    # Reading the form is not limited; another address (IP) is not affected.
    assert client.get("/inloggen").status_code == 200
    other = limited_app.test_client()
    assert other.post("/inloggen", data={"email": "a@example.org", "password": "x"},
                      environ_base=from_ip(99)).status_code == 400


def test_login_is_limited_per_email_across_ips(limited_app):
    client = limited_app.test_client()
    for n in range(10):
        response = client.post("/inloggen", data={"email": "doelwit@example.org", "password": f"gok {n}"},
                               environ_base=from_ip(n))
        assert response.status_code == 400
    response = client.post("/inloggen", data={"email": "DOELWIT@example.org", "password": "gok"},
                           environ_base=from_ip(50))
    assert response.status_code == 429
    assert TOO_OFTEN in text(response)


def test_registration_is_limited_per_ip(limited_app):
    client = limited_app.test_client()
    data = {"display_name": "Test", "email": "a@example.org", "password": "kort"}
    for _ in range(5):
        assert client.post("/account/nieuw", data=data).status_code == 400
    response = client.post("/account/nieuw", data=data)
    assert response.status_code == 429 and TOO_OFTEN in text(response)


def test_password_reset_is_limited(limited_app):
    client = limited_app.test_client()
    for n in range(5):
        response = client.post("/wachtwoord-vergeten", data={"email": "geen adres"}, environ_base=from_ip(7))
        assert response.status_code == 400
    response = client.post("/wachtwoord-vergeten", data={"email": "geen adres"}, environ_base=from_ip(7))
    assert response.status_code == 429 and TOO_OFTEN in text(response)


def test_limits_are_off_again_for_the_rest_of_the_suite(client):
    for n in range(15):
        assert client.post("/inloggen", data={"email": f"x{n}@example.org", "password": "x"}).status_code == 400
