"""Issue 10, finding 10 (CSRF part): logging in starts a clean session. The CSRF token seen before the
login is useless afterwards, and nothing planted in the session before the login survives it (session
fixation). Runs on an app with CSRF protection on (the suite switches it off) and so commits for real."""
from __future__ import annotations

import re

import pytest

from tests.fixtures.users import PASSWORD
from webapp import create_app
from webapp.accounts.models import User
from webapp.config import TestConfig
from webapp.extensions import db


@pytest.fixture
def csrf_app(app):
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
    config.WTF_CSRF_ENABLED = True
    protected = create_app(config)
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()


def csrf_token(response) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


def name_of(user_id: int) -> str:
    db.session.expire_all()
    return db.session.get(User, user_id).display_name


@pytest.mark.committed
def test_login_renews_the_csrf_token_and_the_session(csrf_app, make_user):
    user = make_user("Oude naam")
    client = csrf_app.test_client()
    before_login = csrf_token(client.get("/inloggen"))
    with client.session_transaction() as session:
        raw_before = session["csrf_token"]
        session["planted"] = "door iemand anders"  # what a session-fixation attacker would set
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD,
                                              "csrf_token": before_login})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != raw_before
    # The token from before the login no longer works: 400, and nothing changes.
    response = client.post("/account/gegevens", data={"profile-display_name": "Via oude token",
                                                      "profile-preferred_locale": "",
                                                      "csrf_token": before_login})
    assert response.status_code == 400
    assert name_of(user.id) == "Oude naam"
    # The token on the pages after the login does.
    after_login = csrf_token(client.get("/account"))
    assert after_login != before_login
    response = client.post("/account/gegevens", data={"profile-display_name": "Nieuwe naam",
                                                      "profile-preferred_locale": "",
                                                      "csrf_token": after_login})
    assert response.status_code == 302
    assert name_of(user.id) == "Nieuwe naam"


@pytest.mark.committed
def test_logout_renews_the_csrf_token(csrf_app, make_user):
    user = make_user()
    client = csrf_app.test_client()
    token = csrf_token(client.get("/inloggen"))
    client.post("/inloggen", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    logged_in = csrf_token(client.get("/account"))
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    assert client.post("/uitloggen", data={"csrf_token": logged_in}).status_code == 302
    client.get("/inloggen")
    with client.session_transaction() as session:
        assert session.get("csrf_token") != raw
