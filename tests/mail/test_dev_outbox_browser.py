"""A newcomer on a 390 px phone, keyboard only, in the try-it-out mode of `make run` (BUURTPLEK_DEV):
registers, finds the confirmation mail at /dev/outbox (the banner links to it) and confirms the account."""
from __future__ import annotations

import pytest

from tests.a11y.keyboard import keyboard  # noqa: F401  (the `keyboard` fixture)
from tests.fixtures.browser import axe_violations
from webapp.accounts import services as accounts
from webapp.extensions import db

PHONE_390 = {"width": 390, "height": 844}


def _enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


@pytest.mark.browser
def test_new_account_confirmed_from_the_dev_outbox(app, new_page, live_server, keyboard):  # noqa: F811
    old = app.config["DEV_MODE"], app.config["PUBLIC_URL"]
    app.config["DEV_MODE"], app.config["PUBLIC_URL"] = True, live_server
    try:
        page = new_page(viewport=PHONE_390, service_workers="block")
        page.goto("/account/nieuw")
        assert page.get_by_role("complementary", name="Ontwikkelversie").count() == 1
        kb = keyboard(page)
        kb.tab_to("Naam", role="textbox")
        page.keyboard.type("Nieuwe Buur")
        kb.tab_to("E-mailadres", role="textbox")
        page.keyboard.type("nieuwe.buur@example.org")
        kb.tab_to("Wachtwoord", role="textbox")
        page.keyboard.type("een lang wachtwoord")
        kb.tab_to("Account maken", role="button")
        _enter_and_wait(page)
        assert "Kijk in uw mail" in page.content()

        kb = keyboard(page)
        kb.tab_to("Bekijk de mails", role="link", backwards=True)
        _enter_and_wait(page)
        assert page.url.endswith("/dev/outbox")
        assert axe_violations(page) == []
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE_390["width"]
        link = page.locator("article", has_text="nieuwe.buur@example.org").locator("a[href*='/account/bevestigen/']")
        assert link.count() == 1
        link.focus()
        _enter_and_wait(page)
        assert "Uw e-mailadres is bevestigd" in page.content()
    finally:
        app.config["DEV_MODE"], app.config["PUBLIC_URL"] = old
    db.session.expire_all()
    user = accounts.find_by_email("nieuwe.buur@example.org")
    assert user is not None and user.email_confirmed_at is not None
