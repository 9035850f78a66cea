"""Login, logout, remember me, lock-out, sessions ending when the password changes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

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


def test_login_succeeds_and_resets_failures(client, make_user):
    user = make_user()
    user.failed_logins = 3
    db.session.commit()
    response = post_login(client, user.email.upper())
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    db.session.refresh(user)
    assert user.failed_logins == 0


def test_wrong_password_and_unknown_address_get_the_same_answer(client, make_user):
    user = make_user()
    wrong = post_login(client, user.email, "verkeerd wachtwoord")
    unknown = post_login(client, "niemand@example.org", "verkeerd wachtwoord")
    assert wrong.status_code == unknown.status_code == 400
    assert "Het e-mailadres of wachtwoord klopt niet." in text(wrong)
    assert "Het e-mailadres of wachtwoord klopt niet." in text(unknown)
    db.session.refresh(user)
    assert user.failed_logins == 1
    assert client.get("/account").status_code == 302


def test_next_only_goes_to_our_own_site(client, make_user):
    user = make_user()
    response = post_login(client, user.email, next_url="//evil.example/x")
    assert response.status_code == 302 and response.location == "/"
    client.post("/uitloggen")
    response = post_login(client, user.email, next_url="/account")
    assert response.location == "/account"


def test_deleted_or_other_version_user_is_not_loaded(make_user):
    user = make_user()
    assert services.load_user(user.get_id()) is user
    assert services.load_user(f"{user.id}:{user.session_version + 1}") is None
    assert services.load_user("nonsense") is None


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


def test_lock_duration_doubles():
    assert services.lock_duration(4) is None
    assert services.lock_duration(5) == timedelta(minutes=15)
    assert services.lock_duration(6) is None
    assert services.lock_duration(10) == timedelta(minutes=30)
    assert services.lock_duration(15) == timedelta(minutes=60)
    assert services.lock_duration(100) == timedelta(hours=24)


def test_lock_out_after_five_failures_with_time(make_user):
    user = make_user()
    t = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    for n in range(4):
        assert services.authenticate(user.email, "fout", now=t + timedelta(seconds=n)).error == "invalid"
    result = services.authenticate(user.email, "fout", now=t + timedelta(seconds=5))
    assert result.error == "locked"
    assert result.locked_until == t + timedelta(seconds=5, minutes=15)
    # While locked even the right password does not work (and is not checked).
    assert services.authenticate(user.email, PASSWORD, now=t + timedelta(minutes=10)).error == "locked"
    assert len(mails_to(user.email, "account.locked")) == 1
    # After the lock: the right password works again.
    assert services.authenticate(user.email, PASSWORD, now=t + timedelta(minutes=21)).ok
    assert user.failed_logins == 0 and user.locked_until is None


def test_second_lock_is_twice_as_long(make_user):
    user = make_user()
    t = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    for n in range(5):
        services.authenticate(user.email, "fout", now=t)
    t2 = t + timedelta(minutes=16)
    for n in range(4):
        assert services.authenticate(user.email, "fout", now=t2).error == "invalid"
    result = services.authenticate(user.email, "fout", now=t2)
    assert result.locked_until == t2 + timedelta(minutes=30)


def test_lock_out_message_tells_when_to_try_again_in_amsterdam_time(client, make_user):
    user = make_user()
    for _ in range(4):
        assert post_login(client, user.email, "fout wachtwoord").status_code == 400
    response = post_login(client, user.email, "fout wachtwoord")
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.locked_until is not None
    local = user.locked_until.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert "Uw account is even op slot" in text(response)
    assert f"Probeer het opnieuw na {local:%H:%M}" in text(response)
    # The right password is refused while locked, with the same message.
    response = post_login(client, user.email)
    assert response.status_code == 400 and f"na {local:%H:%M}" in text(response)
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize("password", ["", " " * 3])
def test_empty_password_is_a_form_error(client, make_user, password):
    user = make_user()
    response = post_login(client, user.email, password)
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.failed_logins == 0 or password.strip()


@pytest.mark.committed
def test_failed_logins_at_the_same_moment_all_count(app, make_user):
    import threading

    user = make_user()
    email, uid = user.email, user.id
    barrier = threading.Barrier(4)

    def guess():
        with app.app_context():
            barrier.wait()
            services.authenticate(email, "fout wachtwoord")
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=guess) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    from webapp.accounts.models import User

    assert db.session.get(User, uid).failed_logins == 4
