"""Registration, email confirmation and its tokens."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.accounts.helpers import link_in, mails_to, main_of, text
from webapp.accounts import services
from webapp.accounts.models import User
from webapp.extensions import db

PASSWORD = "een lang wachtwoord"


def register(client, email="nieuw@example.org", name="Fatima K.", password=PASSWORD):
    return client.post("/account/nieuw", data={"display_name": name, "email": email, "password": password})


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_register_page_renders(client):
    response = client.get("/account/nieuw")
    assert response.status_code == 200
    assert 'autocomplete="new-password"' in text(response)


def test_register_creates_unconfirmed_user_and_queues_confirmation(client):
    response = register(client)
    assert response.status_code == 200
    assert "Kijk in uw mail" in text(response)
    user = services.find_by_email("nieuw@example.org")
    assert user is not None and user.email_confirmed_at is None
    assert user.display_name == "Fatima K."
    assert user.password_hash.startswith("$argon2")
    assert user.preferred_locale == "nl"
    [mail] = mails_to("nieuw@example.org", "account.confirm")
    assert mail.subject == "Bevestig uw e-mailadres"
    assert "Hallo Fatima K.," in mail.body
    assert link_in(mail, "/account/bevestigen/")
    # Not logged in before confirming.
    assert client.get("/account").status_code == 302


def test_register_answers_the_same_for_a_known_address(client, make_user):
    existing = make_user(name="Jan de V.")
    before = user_count()
    new = register(client, email="nog-niet@example.org")
    known = register(client, email=existing.email.upper())
    assert known.status_code == new.status_code == 200
    assert main_of(known).replace(existing.email.upper(), "X") == main_of(new).replace("nog-niet@example.org", "X")
    assert user_count() == before + 1  # only the new address made an account
    [mail] = mails_to(existing.email, "account.exists")
    assert "al een account" in mail.body
    assert link_in(mail, "/wachtwoord-vergeten")


@pytest.mark.parametrize("data, message", [
    ({"password": "kort"}, "minstens 10 tekens"),
    ({"email": "geen-adres"}, "geen geldig e-mailadres"),
    ({"email": "iemand@gmail"}, "geen geldig e-mailadres"),
    ({"name": " "}, "Vul een naam in"),
])
def test_register_bad_input_rerenders_with_400_and_keeps_input(client, data, message):
    before = user_count()
    fields = {"email": "goed@example.org", "name": "Anouk B.", "password": PASSWORD, **data}
    response = register(client, **fields)
    assert response.status_code == 400
    assert message in text(response)
    assert 'value="Anouk B."' in text(response) or fields["name"] == " "
    assert user_count() == before
    assert mails_to(fields["email"]) == []


def test_confirm_link_confirms_and_can_be_used_twice(client):
    register(client)
    path = link_in(mails_to("nieuw@example.org")[0], "/account/bevestigen/")
    response = client.get(path)
    assert response.status_code == 302 and response.location.endswith("/inloggen")
    user = services.find_by_email("nieuw@example.org")
    assert user.email_confirmed_at is not None
    first = user.email_confirmed_at
    again = client.get(path)
    assert again.status_code == 302
    db.session.refresh(user)
    assert user.email_confirmed_at == first


def test_expired_confirm_link_is_refused(client, make_user):
    user = make_user(confirmed=False)
    token = services.confirmation_token(user, now=datetime.now(UTC) - timedelta(days=8))
    response = client.get(f"/account/bevestigen/{token}")
    assert response.status_code == 400
    assert "verlopen" in text(response)
    db.session.refresh(user)
    assert user.email_confirmed_at is None


def test_tampered_confirm_link_is_refused(client, make_user):
    user = make_user(confirmed=False)
    token = services.confirmation_token(user)
    response = client.get(f"/account/bevestigen/{token[:-2]}xx")
    assert response.status_code == 400
    assert "klopt niet" in text(response)
    # A reset token is not a confirmation token (salt per purpose).
    response = client.get(f"/account/bevestigen/{services.reset_token(user)}")
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.email_confirmed_at is None


def test_confirm_service_respects_now(make_user):
    user = make_user(confirmed=False)
    signed = datetime(2026, 1, 1, 12, tzinfo=UTC)
    token = services.confirmation_token(user, now=signed)
    services.confirm_email(token, now=signed + timedelta(days=6, hours=23))
    assert user.email_confirmed_at == signed + timedelta(days=6, hours=23)
    user.email_confirmed_at = None
    with pytest.raises(services.TokenError) as info:
        services.confirm_email(token, now=signed + timedelta(days=7, minutes=1))
    assert info.value.expired


def test_unconfirmed_user_cannot_log_in_and_gets_a_new_link(client, make_user):
    from tests.fixtures.users import PASSWORD as TEST_PASSWORD

    user = make_user(confirmed=False)
    response = client.post("/inloggen", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Bevestig eerst uw e-mailadres" in text(response)
    assert len(mails_to(user.email, "account.confirm")) == 1
    assert client.get("/account").status_code == 302


def test_logged_in_user_visiting_register_goes_to_account(client, make_user, login):
    login(client, make_user())
    response = client.get("/account/nieuw")
    assert response.status_code == 302 and response.location.endswith("/account")
