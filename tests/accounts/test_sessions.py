"""Issue 10, finding 6: sessions end on the server. A session cookie or remember-me cookie copied before
logging out, "overal uitloggen", a password change or reset, or deleting the account opens nothing
afterwards."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.accounts.helpers import link_in, mails_to, text
from tests.fixtures.users import PASSWORD
from webapp.accounts import services, sessions
from webapp.accounts.models import UserSession
from webapp.extensions import db

NEW = "een heel nieuw wachtwoord"
REMEMBER = "remember_token"


def log_in(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/inloggen", data=data)
    assert response.status_code == 302, text(response)
    return client


def cookies(client) -> dict:
    return {name: client.get_cookie(name).value for name in ("session", REMEMBER) if client.get_cookie(name)}


def replay(app, saved: dict, only: str | None = None):
    """A fresh browser with copies of cookies taken earlier (an attacker who copied them, say)."""
    browser = app.test_client()
    for name, value in saved.items():
        if only is None or name == only:
            browser.set_cookie(name, value)
    return browser


def opens_account(client) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert "/inloggen" in response.location
        return False
    assert response.status_code == 200
    return True


def session_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id))


def test_logging_in_starts_a_server_side_session(client, make_user):
    user = make_user()
    log_in(client, user)
    assert session_count(user) == 1
    assert opens_account(client)


def test_old_session_cookie_opens_nothing_after_logout(app, client, make_user):
    user = make_user()
    saved = cookies(log_in(client, user))
    assert opens_account(replay(app, saved))  # the copy works while the session lasts
    client.post("/uitloggen")
    assert not opens_account(client)
    assert not opens_account(replay(app, saved))
    assert session_count(user) == 0


def test_old_remember_cookie_opens_nothing_after_logout(app, client, make_user):
    user = make_user()
    saved = cookies(log_in(client, user, remember=True))
    assert REMEMBER in saved
    assert opens_account(replay(app, saved, only=REMEMBER))  # a new browser session, remembered
    client.post("/uitloggen")
    assert not opens_account(replay(app, saved, only=REMEMBER))
    assert not opens_account(replay(app, saved))


def test_logout_ends_only_this_session(app, make_user):
    user = make_user()
    laptop, phone = log_in(app.test_client(), user), log_in(app.test_client(), user)
    laptop.post("/uitloggen")
    assert not opens_account(laptop)
    assert opens_account(phone)
    assert session_count(user) == 1


def test_log_out_everywhere_ends_every_session_and_remember_cookie(app, make_user):
    user = make_user()
    laptop = log_in(app.test_client(), user)
    phone = log_in(app.test_client(), user, remember=True)
    laptop_cookies, phone_cookies = cookies(laptop), cookies(phone)
    page = laptop.get("/account")
    assert "Overal uitloggen" in text(page)
    response = laptop.post("/account/overal-uitloggen")
    assert response.status_code == 302 and response.location.startswith("/inloggen")
    assert session_count(user) == 0
    assert not opens_account(laptop)
    assert not opens_account(phone)
    assert not opens_account(replay(app, laptop_cookies))
    assert not opens_account(replay(app, phone_cookies, only=REMEMBER))
    # Logging in again works as usual.
    assert opens_account(log_in(app.test_client(), user))


def test_log_out_everywhere_needs_a_login_and_touches_nobody_else(app, client, make_user):
    user, other = make_user(), make_user()
    others_browser = log_in(app.test_client(), other)
    log_in(app.test_client(), user)
    before = (session_count(user), session_count(other))
    response = client.post("/account/overal-uitloggen")  # anonymous
    assert response.status_code == 302 and "/inloggen" in response.location
    assert (session_count(user), session_count(other)) == before
    # Logged in as `user`: only user's sessions end, never another account's.
    mine = log_in(app.test_client(), user)
    mine.post("/account/overal-uitloggen")
    assert session_count(user) == 0
    assert session_count(other) == before[1]
    assert opens_account(others_browser)


def test_log_out_everywhere_is_post_only(client, make_user, login):
    user = make_user()
    login(client, user)
    assert client.get("/account/overal-uitloggen").status_code == 405
    assert session_count(user) == 1


def test_password_change_ends_every_other_session_and_renews_this_one(app, make_user):
    user = make_user()
    laptop = log_in(app.test_client(), user)
    phone = log_in(app.test_client(), user, remember=True)
    laptop_before, phone_cookies = cookies(laptop), cookies(phone)
    response = laptop.post("/account/wachtwoord", data={"pw-current_password": PASSWORD, "pw-new_password": NEW})
    assert response.status_code == 302
    assert opens_account(laptop)  # this browser stays logged in, with a new session
    assert not opens_account(replay(app, laptop_before))  # the cookie from before the change is dead
    assert not opens_account(phone)
    assert not opens_account(replay(app, phone_cookies, only=REMEMBER))
    assert session_count(user) == 1


def test_password_reset_ends_every_session(app, client, make_user):
    user = make_user()
    phone = log_in(app.test_client(), user, remember=True)
    saved = cookies(phone)
    client.post("/wachtwoord-vergeten", data={"email": user.email})
    path = link_in(mails_to(user.email, "account.reset")[-1], "/wachtwoord-herstellen/")
    assert client.post(path, data={"password": NEW}).status_code == 302
    assert not opens_account(phone)
    assert not opens_account(replay(app, saved, only=REMEMBER))
    assert session_count(user) == 0


def test_deleting_the_account_ends_every_session(app, make_user):
    user = make_user()
    laptop = log_in(app.test_client(), user)
    phone = log_in(app.test_client(), user, remember=True)
    saved = cookies(phone)
    response = laptop.post("/account/verwijderen", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    assert not opens_account(laptop)
    assert not opens_account(replay(app, saved))
    assert not opens_account(replay(app, saved, only=REMEMBER))
    assert session_count(user) == 0


def test_undoing_an_email_change_ends_every_session(make_user):
    user = make_user()
    old_address = user.email
    token = services.start_session(user, "pytest")
    db.session.commit()
    services.request_email_change(user, "nieuw-adres@example.org", PASSWORD)
    change = link_in(mails_to("nieuw-adres@example.org", "account.email_change")[-1], "/account/email/")
    services.confirm_email_change(change.rsplit("/", 1)[1])
    undo = link_in(mails_to(old_address, "account.email_changed")[-1], "/account/email-terug/")
    services.undo_email_change(undo.rsplit("/", 1)[1])
    db.session.commit()
    assert services.load_user(f"{user.id}:{token}") is None


def test_account_page_lists_the_sessions_and_marks_this_one(app, make_user):
    user = make_user()
    firefox = app.test_client()
    firefox.post("/inloggen", data={"email": user.email, "password": PASSWORD},
                 headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) "
                                       "Gecko/20100101 Firefox/128.0"})
    phone = app.test_client()
    phone.post("/inloggen", data={"email": user.email, "password": PASSWORD},
               headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 "
                                       "Chrome/126.0 Mobile Safari/537.36"})
    page = text(firefox.get("/account"))
    assert "Firefox · Windows" in page and "Chrome · Android" in page
    assert page.count("(dit apparaat)") == 1
    assert page.index("Firefox · Windows") < page.index("(dit apparaat)")


def test_a_session_unused_for_30_days_has_ended(make_user):
    user = make_user()
    token = services.start_session(user, "pytest")
    db.session.commit()
    row = db.session.get(UserSession, sessions._token_hash(token))
    later = row.last_seen_at + timedelta(days=29)
    assert services.load_user(f"{user.id}:{token}", now=later) is user
    db.session.refresh(row)
    assert row.last_seen_at == later  # using it counts as "last seen"
    assert services.load_user(f"{user.id}:{token}", now=later + timedelta(days=31)) is None
    # The next login clears such leftovers away.
    services.start_session(user, "pytest", now=later + timedelta(days=31))
    assert db.session.get(UserSession, row.id) is None


def test_only_a_hash_of_the_token_is_stored(make_user):
    user = make_user()
    token = services.start_session(user, "pytest")
    db.session.commit()
    ids = db.session.scalars(select(UserSession.id).where(UserSession.user_id == user.id)).all()
    assert token not in ids and sessions._token_hash(token) in ids


@pytest.mark.parametrize("user_id", ["", ":", "abc:def", "1", "1:" + "x" * 500, "99999999999999999999:x"])
def test_nonsense_ids_load_nobody(user_id):
    assert services.load_user(user_id) is None
