import pytest

from tests.fixtures.browser import DESKTOP, PHONE


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_home_page_is_accessible(new_page, assert_accessible, viewport):
    page = new_page(viewport=viewport)
    page.goto("/")
    assert page.locator("h1").count() == 1
    assert_accessible(page)


@pytest.mark.browser
def test_error_page_is_accessible(page, assert_accessible):
    page.goto("/bestaat-niet")
    assert_accessible(page)
