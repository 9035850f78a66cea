"""In a real browser at phone size: register → confirm via the link in /dev/outbox → log in → account page."""
from __future__ import annotations

import re

import pytest

from tests.fixtures.browser import PHONE

PASSWORD = "mijn lange wachtwoord"


@pytest.fixture
def dev_mode(app, live_server):
    old = app.config["DEV_MODE"], app.config["PUBLIC_URL"]
    app.config["DEV_MODE"], app.config["PUBLIC_URL"] = True, live_server
    yield
    app.config["DEV_MODE"], app.config["PUBLIC_URL"] = old


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
def test_register_confirm_login_account(new_page, assert_accessible, dev_mode):
    page = new_page(viewport=PHONE)
    page.goto("/account/nieuw")
    assert_accessible(page)

    # A mistake first: the error is announced and linked, and the page stays accessible.
    page.get_by_label("Uw naam (zo zien anderen u)").fill("Aylin S.")
    page.get_by_label("E-mailadres").fill("aylin@example.org")
    page.get_by_label("Wachtwoord").fill("kort")
    page.get_by_role("button", name="Account maken").click()
    assert page.locator("#error-summary").is_visible()
    assert page.get_by_label("Uw naam (zo zien anderen u)").input_value() == "Aylin S."
    assert_accessible(page)

    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account maken").click()
    page.get_by_role("heading", level=1, name="Kijk in uw mail").wait_for()
    assert_accessible(page)

    page.goto("/dev/outbox")
    assert_accessible(page)
    link = page.locator("a[href*='/account/bevestigen/']").first
    link.click()
    page.wait_for_url(re.compile(r"/inloggen$"))
    assert "Uw e-mailadres is bevestigd" in page.locator(".flashes").inner_text()
    assert_accessible(page)

    page.get_by_label("E-mailadres").fill("aylin@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    page.goto("/account")
    page.get_by_role("heading", level=1, name="Mijn account").wait_for()
    assert "aylin@example.org" in page.locator("main").inner_text()
    assert no_horizontal_scroll(page)
    assert_accessible(page)

    page.get_by_role("link", name="Mijn account verwijderen").click()
    page.get_by_role("heading", level=1, name="Account verwijderen").wait_for()
    assert no_horizontal_scroll(page)
    assert_accessible(page)


@pytest.mark.browser
def test_forgot_password_and_login_pages(new_page, assert_accessible):
    page = new_page(viewport=PHONE)
    page.goto("/inloggen")
    assert_accessible(page)
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    page.get_by_role("heading", level=1, name="Wachtwoord vergeten").wait_for()
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill("iemand@example.org")
    page.get_by_role("button", name="Stuur mij een link").click()
    page.get_by_role("heading", level=1, name="Kijk in uw mail").wait_for()
    assert_accessible(page)


@pytest.mark.browser
def test_roles_page_for_an_admin(new_page, assert_accessible, make_user, browser_login):
    admin = make_user(name="Beheer", role="admin")
    make_user(name="Mirjam B.", role="moderator", gemeente="GM0363")
    page = new_page(viewport=PHONE)
    browser_login(page, admin)
    page.goto("/beheer/rollen")
    page.get_by_role("heading", level=1, name="Rollen").wait_for()
    assert "Mirjam B." in page.locator("main").inner_text()
    assert_accessible(page)


@pytest.mark.browser
def test_log_out_everywhere_in_two_browsers(new_page, assert_accessible, make_user, browser_login):
    """Two browsers (say laptop and phone), one account: "Overal uitloggen" on one logs both out, and the
    cookies the phone still holds open nothing any more."""
    user = make_user(name="Twee Apparaten")
    laptop, phone = new_page(viewport=PHONE), new_page(viewport=PHONE)
    browser_login(laptop, user)
    browser_login(phone, user)
    phone.goto("/account")
    phone.get_by_role("heading", level=1, name="Mijn account").wait_for()
    laptop.goto("/account")
    sessions = laptop.locator("section[aria-labelledby=sessions] li")
    assert sessions.count() == 2
    assert "(dit apparaat)" in laptop.locator("section[aria-labelledby=sessions]").inner_text()
    assert_accessible(laptop)
    laptop.get_by_role("button", name="Overal uitloggen").click()
    laptop.wait_for_url(re.compile(r"/inloggen$"))
    assert "U bent overal uitgelogd" in laptop.locator(".flashes").inner_text()
    phone.goto("/account")
    phone.wait_for_url(re.compile(r"/inloggen\?next="))
    assert phone.context.cookies()  # the phone still sends its old cookies, to no avail
