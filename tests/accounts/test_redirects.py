"""Issue 10, finding 2: one check for `next` (webapp/redirects.py), used by the login, the language switch
and the co-beheer actions. Known open-redirect payloads all land on our own default page; CR/LF never
gives a 500."""
from __future__ import annotations

import pytest

from tests.fixtures.users import PASSWORD
from webapp.extensions import db
from webapp.places.models import Place
from webapp.redirects import is_safe_local_path, safe_next_url
from webapp.stewardship import services as stewardship

# As the view receives them (the query string / form already decoded once).
PAYLOADS = [
    "//evil.example", "///evil.example", "////evil.example", "//evil.example/%2F..",
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example", " //evil.example",
    "/%09/evil.example", "/%0a/evil.example", "/%0D%0A/evil.example", "/%2509/evil.example",
    "/\\evil.example", "/\\/evil.example", "\\\\evil.example", "\\/evil.example", "/%5Cevil.example",
    "/%5C%5Cevil.example", "/%2F/evil.example", "/%2f%2fevil.example", "/%252F%252Fevil.example",
    "https://evil.example", "http:evil.example", "http:/evil.example", "HTTPS://evil.example/",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
    "evil.example", "@evil.example", ".//evil.example",
    "/\r\nSet-Cookie: x=1", "/%0d%0aSet-Cookie:%20x=1", "/account\r\nLocation: //evil.example",
    "/\x00/evil.example", "/\x7f/evil.example", "/\u3000/evil.example", "/\u200b/evil.example",
    "/\u2028/evil.example", "/ /evil.example", "", "x" * 3000, "/" + "a" * 2500,
]
GOOD = ["/", "/account", "/plekken?q=buurt%20huis&view=kaart", "/plekken/12#kaart", "/initiatieven/3/agenda.ics"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_check_refuses_known_open_redirect_payloads(payload):
    assert not is_safe_local_path(payload)
    assert safe_next_url(payload, "/home") == "/home"


@pytest.mark.parametrize("target", GOOD)
def test_the_check_keeps_paths_on_our_site(target):
    assert safe_next_url(target, "/home") == target


@pytest.mark.parametrize("value", [None, 42, ["/account"], b"/account"])
def test_the_check_refuses_what_is_not_text(value):
    assert safe_next_url(value, "/home") == "/home"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_login_page_of_a_logged_in_user_never_redirects_away(client, make_user, login, payload):
    login(client, make_user())
    response = client.get("/inloggen", query_string={"next": payload})
    assert response.status_code == 302
    assert response.location == "/"


def test_login_page_with_the_reported_payload_answers_our_home(client, make_user, login):
    login(client, make_user())
    response = client.get("/inloggen?next=/%09/evil.example")
    assert response.status_code == 302 and response.location == "/"
    response = client.get("/inloggen?next=/%0d%0aSet-Cookie:%20x=1")
    assert response.status_code == 302 and response.location == "/"


@pytest.mark.parametrize("payload", PAYLOADS[:20] + ["/\r\nSet-Cookie: x=1"])
def test_logging_in_never_redirects_away(client, make_user, payload):
    user = make_user()
    response = client.post("/inloggen", query_string={"next": payload},
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/"


def test_logging_in_follows_a_local_next(client, make_user):
    user = make_user()
    response = client.post("/inloggen", query_string={"next": "/plekken?q=buurt%20huis"},
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/plekken?q=buurt%20huis"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_language_switch_never_redirects_away(client, payload):
    response = client.post("/taal", data={"lang": "en", "next": payload})
    assert response.status_code == 302
    assert response.location == "/"


def test_language_switch_goes_back_to_the_page(client):
    response = client.post("/taal", data={"lang": "en", "next": "/plekken?q=buurthuis"})
    assert response.status_code == 302 and response.location == "/plekken?q=buurthuis"


@pytest.fixture
def owned_place(make_user):
    owner = make_user("Eigenaar")
    place = Place(name="Buurthuis De Linde", category="community_centre", status="published",
                  location=stewardship.make_point(4.8952, 52.3702), gemeente_code="GM0363")
    db.session.add(place)
    db.session.flush()
    stewardship.add_owner(place, owner)
    db.session.commit()
    return owner, place


@pytest.mark.parametrize("payload", ["/%09/evil.example", "/\t/evil.example", "/\\evil.example",
                                     "/\r\nSet-Cookie: x=1", "//evil.example", "https://evil.example"])
def test_co_beheer_actions_never_redirect_away(client, login, owned_place, payload):
    owner, place = owned_place
    login(client, owner)
    response = client.post(f"/beheer/place/{place.id}/bevestigen", data={"next": payload})
    assert response.status_code == 302
    assert response.location == f"/beheer/place/{place.id}"


def test_co_beheer_actions_go_back_to_a_local_page(client, login, owned_place):
    owner, place = owned_place
    login(client, owner)
    response = client.post(f"/beheer/place/{place.id}/bevestigen", data={"next": f"/plekken/{place.id}"})
    assert response.status_code == 302 and response.location == f"/plekken/{place.id}"
