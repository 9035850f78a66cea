"""Changing the email address: a link to the new address; a notice with an undo link to the old one."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.accounts.helpers import link_in, mails_to, text
from tests.fixtures.users import PASSWORD
from webapp.accounts import services
from webapp.extensions import db

NEW = "nieuw.adres@example.org"


def ask(client, new=NEW, password=PASSWORD):
    return client.post("/account/email", data={"em-new_email": new, "em-password": password})


def test_change_email_with_the_link(client, make_user, login):
    user = make_user()
    old = user.email
    login(client, user)
    response = ask(client)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == old  # nothing changes before the link is used
    [mail] = mails_to(NEW, "account.email_change")
    path = link_in(mail, "/account/email/")
    response = client.get(path)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == NEW and user.email_confirmed_at is not None
    [notice] = mails_to(old, "account.email_changed")
    assert NEW not in notice.body  # the old address does not learn the new one
    # The link works once.
    assert client.get(path).status_code == 400
    db.session.refresh(user)
    assert user.email == NEW


def test_wrong_password_changes_nothing(client, make_user, login):
    user = make_user()
    login(client, user)
    response = ask(client, password="fout wachtwoord")
    assert response.status_code == 400
    assert "Uw wachtwoord klopt niet." in text(response)
    assert NEW in text(response)  # what was typed stays
    assert mails_to(NEW) == []


@pytest.mark.parametrize("new", ["geen-adres", "iemand@localhost"])
def test_invalid_new_address(client, make_user, login, new):
    login(client, make_user())
    assert ask(client, new=new).status_code == 400


def test_taken_address_gets_a_notice_and_the_same_answer(client, make_user, login):
    user, other = make_user(), make_user()
    login(client, user)
    taken = ask(client, new=other.email)
    free = ask(client, new=NEW)
    assert taken.status_code == free.status_code == 302
    assert mails_to(other.email, "account.email_taken")
    assert not mails_to(other.email, "account.email_change")
    db.session.refresh(user)
    assert user.email != other.email


def test_expired_email_change_link(client, make_user):
    user = make_user()
    token = services.email_change_token(user, NEW, now=datetime.now(UTC) - timedelta(hours=25))
    response = client.get(f"/account/email/{token}")
    assert response.status_code == 400 and "verlopen" in text(response)


def test_undo_from_the_old_address(client, app, make_user, login):
    user = make_user()
    old = user.email
    login(client, user)
    ask(client)
    client.get(link_in(mails_to(NEW, "account.email_change")[0], "/account/email/"))
    undo = link_in(mails_to(old, "account.email_changed")[0], "/account/email-terug/")
    intruder = app.test_client()
    login(intruder, user)
    assert client.get(undo).status_code == 200  # a page with a button: mail scanners change nothing
    db.session.refresh(user)
    assert user.email == NEW
    response = client.post(undo)
    assert response.status_code == 302 and response.location.endswith("/wachtwoord-vergeten")
    db.session.refresh(user)
    assert user.email == old and user.password_hash is None
    assert intruder.get("/account").status_code == 302  # every session ended
    assert client.post(undo).status_code == 400  # once
    assert client.post("/inloggen", data={"email": NEW, "password": PASSWORD}).status_code == 400
