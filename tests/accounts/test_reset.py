"""Password reset: no enumeration, expiring single-use links; changing the password."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.accounts.helpers import link_in, mails_to, main_of, text
from tests.fixtures.users import PASSWORD
from webapp.accounts import services
from webapp.extensions import db
from webapp.mail.models import OutboxMail

NEW = "mijn nieuwe wachtwoord"


def test_forgot_answers_the_same_whether_the_account_exists(client, make_user):
    user = make_user()
    known = client.post("/wachtwoord-vergeten", data={"email": user.email})
    unknown = client.post("/wachtwoord-vergeten", data={"email": "onbekend@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert "Als er een account is" in text(known)
    assert main_of(known).replace(user.email, "X") == main_of(unknown).replace("onbekend@example.org", "X")
    assert len(mails_to(user.email, "account.reset")) == 1
    assert db.session.query(OutboxMail).filter_by(to_address="onbekend@example.org").count() == 0


def test_forgot_bad_input_is_400(client):
    response = client.post("/wachtwoord-vergeten", data={"email": "geen adres"})
    assert response.status_code == 400
    assert "geen geldig e-mailadres" in text(response)


def _reset_path(client, user) -> str:
    client.post("/wachtwoord-vergeten", data={"email": user.email})
    return link_in(mails_to(user.email, "account.reset")[-1], "/wachtwoord-herstellen/")


def test_reset_link_sets_a_new_password_once(client, make_user):
    user = make_user()
    old_version = user.session_version
    path = _reset_path(client, user)
    form = client.get(path)
    assert form.status_code == 200
    assert form.headers["Referrer-Policy"] == "no-referrer"
    assert form.headers["Cache-Control"] == "no-store"
    response = client.post(path, data={"password": NEW})
    assert response.status_code == 302 and response.location.endswith("/inloggen")
    db.session.refresh(user)
    assert user.session_version == old_version + 1
    assert services.check_password(user, NEW) and not services.check_password(user, PASSWORD)
    assert len(mails_to(user.email, "account.password_changed")) == 1
    # The same link again: refused, the password stays.
    again = client.post(path, data={"password": "nog een ander wachtwoord"})
    assert again.status_code == 400
    assert "al gebruikt" in text(again)
    assert client.get(path).status_code == 400
    db.session.refresh(user)
    assert services.check_password(user, NEW)


def test_second_reset_link_dies_when_the_first_is_used(client, make_user):
    user = make_user()
    first = _reset_path(client, user)
    second = _reset_path(client, user)
    assert client.post(first, data={"password": NEW}).status_code == 302
    assert client.post(second, data={"password": "weer een ander wachtwoord"}).status_code == 400


def test_expired_reset_link_is_refused(client, make_user):
    user = make_user()
    token = services.reset_token(user, now=datetime.now(UTC) - timedelta(minutes=61))
    response = client.post(f"/wachtwoord-herstellen/{token}", data={"password": NEW})
    assert response.status_code == 400
    assert "verlopen" in text(response)
    db.session.refresh(user)
    assert services.check_password(user, PASSWORD)


def test_reset_token_age_with_frozen_time(make_user):
    user = make_user()
    t = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
    token = services.reset_token(user, now=t)
    assert services.user_for_reset_token(token, now=t + timedelta(minutes=59)) is user
    with pytest.raises(services.TokenError) as info:
        services.user_for_reset_token(token, now=t + timedelta(minutes=61))
    assert info.value.expired


def test_reset_with_a_short_password_keeps_the_link_usable(client, make_user):
    user = make_user()
    path = _reset_path(client, user)
    response = client.post(path, data={"password": "kort"})
    assert response.status_code == 400
    assert "minstens 10 tekens" in text(response)
    assert client.post(path, data={"password": NEW}).status_code == 302


def test_reset_confirms_the_address(client, make_user):
    user = make_user(confirmed=False)
    path = _reset_path(client, user)
    assert client.post(path, data={"password": NEW}).status_code == 302
    db.session.refresh(user)
    assert user.email_confirmed_at is not None


def test_reset_ends_other_sessions(app, client, make_user, login):
    user = make_user()
    other_device = app.test_client()
    login(other_device, user)
    assert other_device.get("/account").status_code == 200
    path = _reset_path(client, user)
    client.post(path, data={"password": NEW})
    assert other_device.get("/account").status_code == 302
