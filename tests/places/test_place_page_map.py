"""The place page's map is written without folium (webapp/places/place_map.py), and is the same markup
folium writes for one marker: the same head links, map element, JSON data block and script."""
from __future__ import annotations

import json
import re

import pytest

from tests.places.conftest import DAM, offset

CANARY = 'Zaal {{7*7}} {% raw %} </script><script>alert(1)</script> "><img src=x> =1+1 ${7*7} \u2028 eind'
GENERATED = re.compile(r"\b(map|tile_layer|markers_from_data)_[0-9a-f]{32}\b")


def _same_names(text: str) -> str:
    """Folium's generated element names are random: number them in order of first appearance. Blank
    lines and the spaces around a line (folium leaves many) do not count."""
    seen: dict[str, str] = {}
    named = GENERATED.sub(lambda m: seen.setdefault(m.group(0), f"{m.group(1)}_{len(seen)}"), text)
    return "\n".join(line.strip() for line in named.splitlines() if line.strip())


def _both(app, marker, zoom=16):
    from webapp.places import mapview, place_map

    with app.test_request_context("/plekken/1"):
        by_folium = mapview.render(mapview.build_map([marker], (marker.lon, marker.lat), zoom=zoom,
                                                     height="16rem"), "n0nce")
        ours = place_map.render_one(marker, "n0nce", zoom=zoom)
    return by_folium, ours


@pytest.mark.parametrize("marker_args", [
    (4.8930, 52.3731, "Buurthuis De Pijp", "/plekken/7", "Buurthuis"),
    (6.546791685667518, 53.193558106942, CANARY, "/plekken/123456", 'Caf\u00e9 <b>"\''),
    (5.0, 52.0, "", "/plekken/1", ""),
    (-0.000001, 89.999999, "x", "/plekken/2", "y"),
])
def test_the_place_map_is_the_markup_folium_writes(app, marker_args):
    from webapp.places.place_map import MapMarker

    marker = MapMarker(*marker_args)
    by_folium, ours = _both(app, marker)
    assert _same_names(ours.head) == _same_names(by_folium.head)
    assert _same_names(ours.body) == _same_names(by_folium.body)
    assert _same_names(ours.script) == _same_names(by_folium.script)
    # one name per element, used consistently between the div and the script
    map_id = re.search(r'id="(map_[0-9a-f]{32})"', ours.body).group(1)
    assert f'var {map_id} = L.map(' in ours.script


def test_the_place_map_follows_the_tile_settings(app):
    from webapp.places.place_map import MapMarker

    saved = app.config["TILE_URL"], app.config["TILE_ATTRIBUTION"]
    app.config["TILE_URL"] = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    app.config["TILE_ATTRIBUTION"] = '&copy; <a href="https://example.org/">Example & co</a>'
    try:
        by_folium, ours = _both(app, MapMarker(4.9, 52.4, "Plek", "/plekken/3"), zoom=15)
    finally:
        app.config["TILE_URL"], app.config["TILE_ATTRIBUTION"] = saved
    assert "tiles.example.org" in ours.script and "Example \\u0026 co" in ours.script
    assert _same_names(ours.script) == _same_names(by_folium.script)


def test_a_hostile_name_is_only_data_on_the_place_page(client, make_place):
    from webapp.places.attributes import CATEGORIES

    place = make_place(*offset(*DAM, 40), name=CANARY)
    page = client.get(f"/plekken/{place.id}").get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="(markers_from_data_[0-9a-f]{32})"[^>]*>(.*?)</script>',
                      page, re.S)
    assert block and "<" not in block.group(2) and ">" not in block.group(2)
    data = json.loads(block.group(2))
    assert data == {"click_url": None, "markers": [{
        "name": CANARY, "url": f"/plekken/{place.id}", "detail": str(CATEGORIES["community_centre"]),
        "lon": pytest.approx(place_lon(place)), "lat": pytest.approx(place_lat(place))}]}
    assert f'document.getElementById("{block.group(1)}")' in page
    rest = page.replace(block.group(0), "")
    scripts = "".join(re.findall(r"<script nonce[^>]*>(.*?)</script>", rest, re.S))
    assert "7*7" not in scripts and "alert" not in scripts and "Zaal" not in scripts


def place_lon(place):
    from webapp.places.serialize import lonlat

    return lonlat(place)[0]


def place_lat(place):
    from webapp.places.serialize import lonlat

    return lonlat(place)[1]
