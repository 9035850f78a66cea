"""Fixtures for the accessibility crawl and keyboard tests: demo data, users of every kind, logged-in pages."""
from __future__ import annotations

import pytest

from tests.a11y.crawl import World
from tests.fixtures import demo_snapshot
from tests.fixtures.demo_snapshot import load_demo
from tests.fixtures.users import PASSWORD

DEMO_PASSWORD = "buurtplek-demo"  # the demo accounts' password (webapp/accounts/demo.py)
DEMO_DOMAIN = "@demo.buurtplek.example"
# kind -> (demo account, role to create when the demo account does not exist, its gemeente)
ROLE_ACCOUNTS = {
    "helper": ("helper.amsterdam", "helper", "GM0363"),
    "moderator": ("moderator.amsterdam", "moderator", "GM0363"),
    "staff": ("medewerker.amsterdam", "staff", "GM0363"),
    "admin": ("admin", "admin", None),
}


@pytest.fixture
def demo_world(app, make_user) -> World:
    """The demo data of every domain (committed for real: use in `browser` tests), and a user per kind."""
    from webapp.accounts import services as accounts
    from webapp.accounts.models import User
    from webapp.extensions import db

    before = demo_snapshot._snapshot
    source = load_demo()  # load_all(), or its rows copied back when this process loaded it before
    db.session.commit()
    world = World()
    snapshot = demo_snapshot._snapshot
    if snapshot is not None and (source == "copied" or snapshot is not before):  # exactly the snapshot's rows
        world.demo_key = hash(tuple(sorted(snapshot.digest.items())))
    world.users["resident"] = (make_user(name="Sanne Testbewoner"), PASSWORD)
    for kind, (local, role, gemeente) in ROLE_ACCOUNTS.items():
        user = accounts.find_by_email(local + DEMO_DOMAIN)
        world.users[kind] = (user, DEMO_PASSWORD) if user else (make_user(role=role, gemeente=gemeente), PASSWORD)
    for kind, user_id in (("place_owner", world.place_owner_id), ("initiative_owner", world.initiative_owner_id),
                          ("applicant", world.applicant_id)):
        user = db.session.get(User, user_id) if user_id else None
        if user is not None and (user.email or "").endswith(DEMO_DOMAIN):
            world.users[kind] = (user, DEMO_PASSWORD)
    db.session.commit()
    return world


@pytest.fixture(scope="session")
def crawl_probes() -> dict:
    """What the page crawl's probes found, per worker: {(data, users, URL map) -> {probe -> answer}}, so that
    the crawl's shards on one worker find the pages once (tests/a11y/test_every_page.py)."""
    return {}


def login_through_form(page, email: str, password: str) -> None:
    """Log in with the real login form; fails when the form is shown again."""
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen", exact=True).click()
    assert "/inloggen" not in page.url, f"logging in as {email} failed: still on {page.url}"


@pytest.fixture
def page_as(new_page, demo_world):
    """page_as(kind, viewport=PHONE) -> a page logged in as that kind of user (None when there is none)."""
    from tests.fixtures.browser import PHONE

    def make(kind: str, viewport=PHONE, **kwargs):
        if kind != "anonymous" and kind not in demo_world.users:
            return None
        page = new_page(viewport=viewport, **kwargs)
        if kind != "anonymous":
            user, password = demo_world.users[kind]
            login_through_form(page, user.email, password)
        return page

    return make


from tests.a11y.keyboard import keyboard  # noqa: E402,F401  (the `keyboard` fixture)

