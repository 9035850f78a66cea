"""The account page: profile, change password, download my data, delete my account."""
from __future__ import annotations

import json
from datetime import UTC

import pytest
from sqlalchemy import func, select

from tests.accounts.helpers import mails_to, text
from tests.fixtures.users import PASSWORD
from webapp.accounts import deletion, services
from webapp.accounts.export import _EXPORTERS, register_exporter
from webapp.accounts.models import RoleGrant, User, UserSession
from webapp.extensions import db

NEW = "mijn nieuwe wachtwoord"

STATE_CHANGING = [
    ("/account/gegevens", {"profile-display_name": "Nieuwe naam", "profile-preferred_locale": "en"}),
    ("/account/wachtwoord", {"pw-current_password": PASSWORD, "pw-new_password": NEW}),
    ("/account/verwijderen", {"password": PASSWORD, "understood": "y"}),
    ("/account/email", {"em-new_email": "ander@example.org", "em-password": PASSWORD}),
    ("/account/overal-uitloggen", {}),
]


def snapshot(user):
    db.session.refresh(user)
    sessions = db.session.scalars(select(UserSession.id).where(UserSession.user_id == user.id)).all()
    return (user.display_name, user.email, user.password_hash, user.session_version, user.deleted_at,
            user.preferred_locale, sorted((g.role, g.gemeente_code) for g in user.roles), sorted(sessions))


@pytest.mark.parametrize("url, data", STATE_CHANGING)
def test_anonymous_is_sent_to_login_and_nothing_changes(client, make_user, url, data):
    user = make_user()
    before = snapshot(user)
    response = client.post(url, data=data)
    assert response.status_code == 302 and "/inloggen" in response.location
    assert snapshot(user) == before


@pytest.mark.parametrize("url", ["/account", "/account/download", "/account/verwijderen"])
def test_anonymous_get_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/inloggen" in response.location


@pytest.mark.parametrize("url, data", STATE_CHANGING)
def test_a_user_only_ever_changes_their_own_account(client, make_user, login, url, data):
    """There is no way to name another account: logged in as B, B's row changes and A's never does."""
    a, b = make_user(), make_user()
    login(client.application.test_client(), a)  # A is logged in elsewhere: that session must stay too
    before_a = snapshot(a)
    login(client, b)
    client.post(url, data=data)
    assert snapshot(a) == before_a
    assert snapshot(b) != snapshot(a)


def test_account_page_shows_what_we_hold(client, make_user, login):
    user = make_user(name="Jan de V.", role="moderator", gemeente="GM0363")
    login(client, user)
    response = client.get("/account")
    assert response.status_code == 200
    body = text(response)
    assert user.email in body and "Jan de V." in body and "moderator" in body and "GM0363" in body
    assert response.headers["Cache-Control"] == "no-store"
    assert body.count("<h1") == 1


def test_update_profile(client, make_user, login):
    user = make_user()
    login(client, user)
    response = client.post("/account/gegevens", data={"profile-display_name": "  Sanne   M. ",
                                                      "profile-preferred_locale": "en"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.display_name == "Sanne M." and user.preferred_locale == "en"
    assert client.get_cookie("lang").value == "en"


def test_update_profile_bad_input_keeps_text(client, make_user, login):
    user = make_user(name="Oude naam")
    login(client, user)
    response = client.post("/account/gegevens", data={"profile-display_name": "x" * 81,
                                                      "profile-preferred_locale": "fr"})
    assert response.status_code == 400
    assert "x" * 81 in text(response)
    db.session.refresh(user)
    assert user.display_name == "Oude naam"


def test_xss_in_display_name_is_shown_as_text(client, make_user, login):
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    user = make_user(name=payload)
    login(client, user)
    body = text(client.get("/account"))
    assert payload not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x onerror" not in body


def test_change_password(client, make_user, login, app):
    user = make_user()
    login(client, user)
    other_device = app.test_client()
    login(other_device, user)
    response = client.post("/account/wachtwoord", data={"pw-current_password": PASSWORD, "pw-new_password": NEW})
    assert response.status_code == 302
    db.session.refresh(user)
    assert services.check_password(user, NEW)
    assert client.get("/account").status_code == 200          # this device stays logged in
    assert other_device.get("/account").status_code == 302    # the other one is logged out
    assert len(mails_to(user.email, "account.password_changed")) == 1


def test_change_password_with_wrong_current_password(client, make_user, login):
    user = make_user()
    login(client, user)
    before = snapshot(user)
    response = client.post("/account/wachtwoord", data={"pw-current_password": "fout fout fout",
                                                        "pw-new_password": NEW})
    assert response.status_code == 400
    assert "Uw huidige wachtwoord klopt niet." in text(response)
    assert snapshot(user) == before


def test_download_my_data(client, make_user, login):
    user = make_user(name="Fatima K.", role="staff", gemeente="GM0344")
    login(client, user)
    register_exporter("test_part", lambda u: {"user": u.id, "items": [1, 2]})
    try:
        response = client.get("/account/download")
    finally:
        _EXPORTERS.pop("test_part")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == user.email
    assert data["account"]["display_name"] == "Fatima K."
    assert "password_hash" not in json.dumps(data)
    assert data["roles"] == [{"role": "staff", "gemeente": "GM0344", "granted_at": data["roles"][0]["granted_at"]}]
    assert data["test_part"] == {"user": user.id, "items": [1, 2]}
    assert "mails" in data


def test_delete_page_asks_for_confirmation(client, make_user, login):
    login(client, make_user())
    response = client.get("/account/verwijderen")
    assert response.status_code == 200
    assert "Ja, verwijder mijn account" in text(response)


@pytest.mark.parametrize("data, message", [
    ({"password": "fout wachtwoord", "understood": "y"}, "Uw wachtwoord klopt niet."),
    ({"password": PASSWORD}, "Zet een vinkje"),
])
def test_delete_needs_password_and_checkbox(client, make_user, login, data, message):
    user = make_user()
    login(client, user)
    before = snapshot(user)
    response = client.post("/account/verwijderen", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert snapshot(user) == before


def test_delete_keeps_the_row_and_the_attribution(client, make_user, login):
    from webapp.places.models import Place
    from webapp.stewardship.services import history, record_revision

    user = make_user(name="Kees B.", role="moderator", gemeente="GM0363")
    email = user.email
    place = Place(name="Buurthuis De Ster", category=_any_category(), location="SRID=4326;POINT(4.9 52.37)",
                  created_by_id=user.id)
    db.session.add(place)
    db.session.flush()
    record_revision(place, user, {"name": {"old": "", "new": "Buurthuis De Ster"}}, kind="create")
    db.session.commit()
    login(client, user)
    response = client.post("/account/verwijderen", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user is not None and user.deleted_at is not None
    assert user.email is None and user.password_hash is None
    assert "Kees" not in user.display_name
    assert user.public_name == "Oud-bewoner"
    assert db.session.scalar(select(func.count()).select_from(RoleGrant).where(RoleGrant.user_id == user.id)) == 0
    assert mails_to(email) == []  # no mail to the old address stays in the outbox
    # The content stays, credited to "Oud-bewoner".
    assert db.session.get(Place, place.id).created_by_id == user.id
    [revision] = history(place)
    assert revision.user.public_name == "Oud-bewoner"
    # Logged out, and the address cannot log in any more; it may sign up afresh.
    assert client.get("/account").status_code == 302
    assert client.post("/inloggen", data={"email": email, "password": PASSWORD}).status_code == 400
    assert services.find_by_email(email) is None


def _any_category() -> str:
    from webapp.places.attributes import CATEGORIES

    return next(iter(CATEGORIES))


def test_delete_hooks_run(make_user):
    seen = []
    hook = services.on_account_deleted(lambda u: seen.append(u.email))
    try:
        user = make_user()
        email = user.email
        services.delete_account(user, PASSWORD)
    finally:
        deletion._DELETE_HOOKS.remove(hook)
    assert seen == [email]


def test_public_name_without_a_request():
    """Commands (no request, so no browser language) can show a deleted user's name too."""
    from datetime import datetime

    assert User(display_name="Kees B.").public_name == "Kees B."
    assert User(display_name="-", deleted_at=datetime.now(UTC)).public_name == "Oud-bewoner"
