"""The "Hoe voelde het?" panel on the place page: anonymous visitors get a login link and no form (none is
built for them); a logged-in resident gets the form, and after answering the thank-you."""
from __future__ import annotations

import pytest

from webapp.insight import routes

ANSWERS = {"pleasant": "4", "welcome": "5", "open_to_me": "3"}


@pytest.fixture
def place(make_place):
    return make_place(name="Buurthuis De Linde")


def test_anonymous_visitors_get_a_login_link_and_no_form(client, place, monkeypatch):
    def no_form(*args, **kwargs):
        raise AssertionError("a check-in form was built for an anonymous visitor")

    monkeypatch.setattr(routes, "CheckInForm", no_form)
    page = client.get(f"/plekken/{place.id}")
    assert page.status_code == 200
    assert "Log in om te vertellen hoe het voelde" in page.text
    assert 'class="insight-checkin"' not in page.text


def test_a_resident_gets_the_form_then_the_thank_you(client, login, make_user, place):
    login(client, make_user())
    page = client.get(f"/plekken/{place.id}").text
    assert 'class="insight-checkin"' in page and "Log in om te vertellen hoe het voelde" not in page
    assert client.post(f"/plekken/{place.id}/hoe-voelde-het", data=ANSWERS).status_code == 302
    page = client.get(f"/plekken/{place.id}").text
    assert 'class="insight-checkin"' not in page and "deze maand al verteld" in page
