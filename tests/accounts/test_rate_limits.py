"""Rate limits (Flask-Limiter) on login, registration and password reset.

The test suite runs with RATELIMIT_ENABLED False; these tests build their own app with the limiter on.
Most make only read-only requests (unknown addresses, invalid forms); those with a real account commit
(`committed`: the tables are emptied afterwards).
"""
from __future__ import annotations

import re

import pytest

from tests.accounts.helpers import main_of, text
from tests.fixtures.users import PASSWORD
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


def test_an_address_is_never_locked_for_everyone(limited_app):
    """Ten wrong passwords for one address from ten clients: an eleventh client is not refused."""
    client = limited_app.test_client()
    for n in range(10):
        response = client.post("/inloggen", data={"email": "doelwit@example.org", "password": f"gok {n}"},
                               environ_base=from_ip(n))
        assert response.status_code == 400
    response = client.post("/inloggen", data={"email": "DOELWIT@example.org", "password": "gok"},
                           environ_base=from_ip(50))
    assert response.status_code == 400
    assert "Het e-mailadres of wachtwoord klopt niet." in text(response)


def guess(client, email, ip, password="fout wachtwoord"):
    return client.post("/inloggen", data={"email": email, "password": password}, environ_base=from_ip(ip))


@pytest.mark.committed
def test_guessing_is_slowed_per_address_and_client_while_the_owner_still_logs_in(limited_app, make_user):
    victim = make_user("Slachtoffer")
    attacker = limited_app.test_client()
    for _ in range(5):
        assert guess(attacker, victim.email, 1).status_code == 400
    refused = guess(attacker, victim.email, 1)
    assert refused.status_code == 429 and TOO_OFTEN in text(refused)
    # Even the right password is refused from the attacker's connection for now ...
    assert guess(attacker, victim.email, 1, PASSWORD).status_code == 429
    # ... but the owner, from their own connection, logs in at once.
    owner = limited_app.test_client()
    response = guess(owner, victim.email, 2, PASSWORD)
    assert response.status_code == 302
    assert owner.get("/account", environ_base=from_ip(2)).status_code == 200
    # And the attacker's connection may still try other things than this address.
    assert guess(attacker, "iemand-anders@example.org", 1).status_code == 400


def same_page(response, email) -> str:
    """The <main> of a page without the address typed and the error page's request number."""
    return re.sub(r"<code>[0-9a-f]{32}</code>", "<code>N</code>", main_of(response).replace(email, "X"))


@pytest.mark.committed
def test_slowing_down_answers_the_same_for_known_and_unknown_addresses(limited_app, make_user):
    known = make_user()
    first, second = limited_app.test_client(), limited_app.test_client()
    for attempt in range(7):
        a = guess(first, known.email, 3)
        b = guess(second, "niemand-bekend@example.org", 4)
        assert a.status_code == b.status_code, attempt
        assert same_page(a, known.email) == same_page(b, "niemand-bekend@example.org"), attempt
    assert a.status_code == 429


def test_registration_is_limited_per_ip(limited_app):
    client = limited_app.test_client()
    data = {"display_name": "Test", "email": "a@example.org", "password": "kort"}
    for _ in range(5):
        assert client.post("/account/nieuw", data=data).status_code == 400
    response = client.post("/account/nieuw", data=data)
    assert response.status_code == 429 and TOO_OFTEN in text(response)


def test_password_reset_is_limited(limited_app):
    client = limited_app.test_client()
    for _attempt in range(5):
        response = client.post("/wachtwoord-vergeten", data={"email": "geen adres"}, environ_base=from_ip(7))
        assert response.status_code == 400
    response = client.post("/wachtwoord-vergeten", data={"email": "geen adres"}, environ_base=from_ip(7))
    assert response.status_code == 429 and TOO_OFTEN in text(response)


def test_limits_are_off_again_for_the_rest_of_the_suite(client):
    for n in range(15):
        assert client.post("/inloggen", data={"email": f"x{n}@example.org", "password": "x"}).status_code == 400
