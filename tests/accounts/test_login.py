"""Login, logout, remember me; no account lock-out. Server-side sessions: test_sessions.py."""
from __future__ import annotations

import pytest

from tests.accounts.helpers import mails_to, text
from tests.fixtures.users import PASSWORD
from webapp.accounts import services
from webapp.extensions import db


def post_login(client, email, password=PASSWORD, remember=False, next_url=None):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    url = "/inloggen" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data=data)


def test_login_page_renders(client):
    response = client.get("/inloggen")
    assert response.status_code == 200
    assert "Wachtwoord vergeten?" in text(response)


def test_login_succeeds_with_the_address_in_any_case(client, make_user):
    user = make_user()
    response = post_login(client, user.email.upper())
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_wrong_password_and_unknown_address_get_the_same_answer(client, make_user):
    user = make_user()
    wrong = post_login(client, user.email, "verkeerd wachtwoord")
    unknown = post_login(client, "niemand@example.org", "verkeerd wachtwoord")
    assert wrong.status_code == unknown.status_code == 400
    assert "Het e-mailadres of wachtwoord klopt niet." in text(wrong)
    assert "Het e-mailadres of wachtwoord klopt niet." in text(unknown)
    assert client.get("/account").status_code == 302


def test_next_only_goes_to_our_own_site(client, make_user):
    user = make_user()
    response = post_login(client, user.email, next_url="//evil.example/x")
    assert response.status_code == 302 and response.location == "/"
    client.post("/uitloggen")
    response = post_login(client, user.email, next_url="/account")
    assert response.location == "/account"


def test_user_is_loaded_only_with_a_live_session(make_user):
    user, other = make_user(), make_user()
    token = services.start_session(user, "pytest")
    assert services.load_user(f"{user.id}:{token}") is user
    assert services.load_user(f"{other.id}:{token}") is None  # a token belongs to one account
    assert services.load_user(f"{user.id}:{user.session_version}") is None  # the old cookie format
    assert services.load_user(f"{user.id}:") is None
    assert services.load_user("nonsense") is None
    services.end_session(user, token)
    assert services.load_user(f"{user.id}:{token}") is None


def test_logout_is_post_only(client, make_user, login):
    login(client, make_user())
    assert client.get("/uitloggen").status_code == 405
    assert client.get("/account").status_code == 200
    response = client.post("/uitloggen")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_anonymous_is_sent_to_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.location.startswith("/inloggen?next=")


def test_remember_me_survives_the_session_but_not_a_password_change(app, client, make_user):
    user = make_user()
    response = post_login(client, user.email, remember=True)
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is not None
    # A new browser session: only the remember cookie is left.
    client.delete_cookie("session")
    assert client.get("/account").status_code == 200
    # The password is changed elsewhere: the remember cookie stops working.
    services.change_password(user, PASSWORD, "een heel nieuw wachtwoord")
    db.session.commit()
    client.delete_cookie("session")
    assert client.get("/account").status_code == 302


def test_many_wrong_passwords_never_lock_the_account(make_user):
    """The account is never locked (that let anyone lock anyone out); routes.py slows the guesser down."""
    user = make_user()
    for _ in range(12):
        assert services.authenticate(user.email, "fout wachtwoord").error == "invalid"
    assert services.authenticate(user.email, PASSWORD).ok
    assert mails_to(user.email) == []


@pytest.mark.parametrize("password", ["", " " * 3])
def test_empty_password_is_a_form_error(client, make_user, password):
    user = make_user()
    response = post_login(client, user.email, password)
    assert response.status_code == 400
    assert client.get("/account").status_code == 302
