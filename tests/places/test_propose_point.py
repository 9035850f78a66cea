"""A proposal with an address and no point is placed at the geocoded point (the address's postcode or town),
not at the gemeente's centre, and the proposer confirms it ("klopt") or moves it with a text field."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.areas.search_data import search_data, search_data_committed  # noqa: F401
from webapp.areas.services import gemeente_centre
from webapp.extensions import db
from webapp.places.models import Place
from webapp.places.services import point_for_address
from webapp.stewardship import services as stewardship

pytestmark = pytest.mark.usefixtures("search_data")

PROPOSAL = {"name": "Buurtkamer Het Plein", "category": "community_centre", "lat": "", "lon": "",
            "description": "Koffie en een praatje", "toilets": "yes"}


def _place(name="Buurtkamer Het Plein") -> Place | None:
    return db.session.scalar(select(Place).where(Place.name == name))


def _point(place):
    return stewardship.lon_lat(place)


def test_point_for_address_uses_the_postcode_then_the_town():
    by_postcode = point_for_address("Oudegracht 1, 3511 AB Utrecht")
    assert by_postcode is not None and by_postcode.kind == "pc4" and by_postcode.name == "3511"
    by_town = point_for_address("Dorpsstraat 1, Ljouwert")
    assert by_town is not None and "Leeuwarden" in by_town.label
    assert point_for_address("Dorpsstraat 1") is None
    assert point_for_address("") is None


def test_address_is_placed_at_its_postcode_after_the_proposer_confirms(client, login, make_user):
    login(client, make_user())
    address = "Oudegracht 1, 3511 AB Utrecht"
    first = client.post("/plekken/voorstellen", data={**PROPOSAL, "address": address})
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "Klopt de plek?" in html and "3511" in html
    assert _place() is None  # nothing saved before the proposer says the point is right
    expected = point_for_address(address)
    form = {**PROPOSAL, "address": address, "lat": f"{expected.lat:.6f}", "lon": f"{expected.lon:.6f}",
            "point_label": expected.label}
    # Sending without saying "klopt" asks again.
    again = client.post("/plekken/voorstellen", data=form)
    assert again.status_code == 200 and "Klopt de plek?" in again.get_data(as_text=True) and _place() is None
    done = client.post("/plekken/voorstellen", data={**form, "action": "point_ok"})
    assert done.status_code == 302, done.get_data(as_text=True)
    place = _place()
    assert place is not None and place.status == "proposed" and place.gemeente_code == "GM0344"
    lon, lat = _point(place)
    assert abs(lon - expected.lon) < 1e-5 and abs(lat - expected.lat) < 1e-5
    centre = gemeente_centre("GM0344")
    assert (round(lon, 4), round(lat, 4)) != (round(centre[0], 4), round(centre[1], 4))


def test_the_proposer_moves_the_point_with_a_text_field(client, login, make_user):
    login(client, make_user())
    first = client.post("/plekken/voorstellen", data={**PROPOSAL, "address": "Kerkstraat 2, 3511 AB"})
    assert "Klopt de plek?" in first.get_data(as_text=True)
    moved = client.post("/plekken/voorstellen", data={**PROPOSAL, "address": "Kerkstraat 2, 3511 AB",
                                                        "action": "move", "move_to": "Ljouwert"})
    html = moved.get_data(as_text=True)
    assert moved.status_code == 200 and "Klopt de plek?" in html and "Leeuwarden" in html
    nowhere = client.post("/plekken/voorstellen", data={**PROPOSAL, "address": "Kerkstraat 2, 3511 AB",
                                                          "action": "move", "move_to": "Nergensdorp"})
    assert nowhere.status_code == 400 and "Deze plek kunnen we niet vinden" in nowhere.get_data(as_text=True)
    assert _place() is None


def test_no_coordinate_fields_in_the_point_check(client, login, make_user):
    login(client, make_user())
    html = client.post("/plekken/voorstellen", data={**PROPOSAL, "address": "3511 AB"}).get_data(as_text=True)
    check = html.split('id="point-heading"', 1)[1].split("</section>", 1)[0]
    assert "Breedtegraad" not in check and "Lengtegraad" not in check
