"""Security headers, cookie flags and CSRF protection."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest

from tests.accounts.helpers import text
from tests.fixtures.users import PASSWORD
from webapp.accounts.models import User
from webapp.extensions import db


def csp_of(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("url", ["/inloggen", "/bestaat-niet", "/healthz"])
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = csp_of(response)
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["form-action"] == "'self'"
    assert csp["default-src"] == "'self'"
    script_src = csp["script-src"].split()
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert script_src[0] == "'self'" and script_src[1].startswith("'nonce-")
    assert "Strict-Transport-Security" not in response.headers  # only with SESSION_COOKIE_SECURE


def test_nonce_is_new_for_every_response_and_matches_the_page(app, client):
    first, second = client.get("/inloggen"), client.get("/inloggen")
    n1 = re.search(r"'nonce-([^']+)'", first.headers["Content-Security-Policy"]).group(1)
    n2 = re.search(r"'nonce-([^']+)'", second.headers["Content-Security-Policy"]).group(1)
    assert n1 != n2 and len(n1) >= 16
    # Every inline script on the page carries this response's nonce; none without.
    for tag in re.findall(r"<script\b[^>]*>", text(first)):
        assert "src=" in tag or f'nonce="{n1}"' in tag, tag


def test_no_third_party_hosts_in_the_policy_but_the_tiles(app, client):
    csp = csp_of(client.get("/inloggen"))
    for directive, value in csp.items():
        hosts = [v for v in value.split() if "://" in v]
        if directive == "img-src":
            assert all(h.startswith(("https://", "http://")) for h in hosts) and len(hosts) <= 1
        else:
            assert hosts == [], directive


@pytest.fixture
def secure_app(app_with):
    return app_with(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)


@pytest.mark.committed
def test_secure_cookie_flags_and_hsts(secure_app, make_user):
    user = make_user()  # committed for real: the secure app has its own connections
    client = secure_app.test_client()
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD, "remember": "y"},
                           base_url="https://localhost")
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert set(cookies) >= {"__Host-session", "__Host-remember_token"}
    for cookie in cookies.values():
        flags = {f.strip().lower() for f in cookie.split(";")[1:]}
        assert "secure" in flags and "httponly" in flags and "path=/" in flags
        assert not any(f.startswith("domain=") for f in flags)
    assert "samesite=lax" in cookies["__Host-session"].lower()
    expires = re.search(r"Expires=([^;]+)", cookies["__Host-remember_token"]).group(1)
    days = (parsedate_to_datetime(expires) - datetime.now(UTC)).days
    assert 29 <= days <= 30  # "remember me" lasts 30 days, not a year
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "upgrade-insecure-requests" in response.headers["Content-Security-Policy"]
    # The secure cookies work: the account page opens.
    assert client.get("/account", base_url="https://localhost").status_code == 200


def test_default_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_post_without_csrf_token_is_refused_and_changes_nothing(app, client, make_user, login, csrf_on):
    user = make_user()
    login(client, user)
    response = client.post("/account/verwijderen", data={"password": PASSWORD, "understood": "y"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).deleted_at is None
    response = client.post("/account/verwijderen", data={"password": PASSWORD, "understood": "y",
                                                         "csrf_token": "vervalst"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).deleted_at is None
    # Logging in without a token does not work either.
    other = app.test_client()
    assert other.post("/inloggen", data={"email": user.email, "password": PASSWORD}).status_code == 400


def test_post_with_csrf_token_works(app, client, make_user, login, csrf_on):
    """The other side of the test above: with the page's own token the same POST succeeds."""
    user = make_user()
    login(client, user)
    page = text(client.get("/account/verwijderen"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    response = client.post("/account/verwijderen", data={"password": PASSWORD, "understood": "y",
                                                         "csrf_token": token.group(1)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).deleted_at is not None
