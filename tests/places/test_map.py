"""The map never turns stored text into template source or markup (issue 10, finding 1).

folium/branca render each element's script output a second time as a Jinja template, so anything
from the database that reached a folium template ran on the server (`{{7*7}}` became 49). The map's
data (markers, popups, the click target) now travel in one JSON block; webapp/static/js/places-map.js
builds markers and popups from it with text nodes.
"""
from __future__ import annotations

import json
import re

import pytest

from tests.places.conftest import DAM, offset

CANARY = 'Zaal {{7*7}} {% raw %} <script>alert(1)</script> "><img src=x onerror=alert(1)> =1+1 ${7*7} eind'


def html(response):
    return response.get_data(as_text=True)


def _map_data(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="([^"]+)"[^>]*>(.*?)</script>', page, re.S)
    assert block, "the map's data travel in a JSON block"
    return json.loads(block.group(2))


def _outside_data_block(page: str) -> str:
    return re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", page, flags=re.S)


@pytest.mark.parametrize("view", ["detail", "search"])
def test_a_template_in_a_place_name_is_shown_as_text_on_the_map(client, make_place, view):
    place = make_place(*offset(*DAM, 40), name=CANARY)
    url = f"/plekken/{place.id}" if view == "detail" else f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart"
    response = client.get(url)
    assert response.status_code == 200
    page = html(response)
    assert "Zaal 49" not in page, "{{7*7}} was evaluated"
    markers = _map_data(page)["markers"]
    assert [m["name"] for m in markers] == [CANARY]   # exact, as data
    rest = _outside_data_block(page)
    assert "<img src=x" not in rest and "<script>alert(1)" not in rest
    # the name is never part of a script: not in folium's inline script, not in a JS string
    scripts = "".join(re.findall(r"<script nonce[^>]*>(.*?)</script>", rest, re.S))
    assert "7*7" not in scripts and "raw" not in scripts


def test_data_block_cannot_end_its_script_element(client, make_place):
    make_place(*offset(*DAM, 40), name="</script><script>alert(1)</script><!--")
    page = html(client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart"))
    block = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block   # \u003c...: the HTML parser never sees a tag in it
    assert _map_data(page)["markers"][0]["name"] == "</script><script>alert(1)</script><!--"


def test_the_map_keeps_clustering_you_are_here_and_click_navigation(client, make_place):
    for i in range(55):
        make_place(*offset(*DAM, 15 * i), name=f"Plek {i}")
    page = html(client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart&limit=100&free=1"))
    assert "L.markerClusterGroup" not in page   # none free: no markers
    page = html(client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart&limit=100"))
    data = _map_data(page)
    assert len(data["markers"]) == 55
    assert "L.markerClusterGroup" in page                       # above 50 markers
    assert "L.circleMarker" in page                             # you are here
    assert data["click_url"].startswith("/plekken?") and "view=kaart" in data["click_url"]
    assert "lat=" not in data["click_url"]                     # the tapped point replaces it
    assert "js/places-map.js" in page


def test_a_map_without_centre_fits_its_markers(app):
    from webapp.places import mapview

    markers = [mapview.MapMarker(4.89, 52.37, "Zaal {{7*7}}", "/plekken/1"),
               mapview.MapMarker(4.95, 52.40, "{% raw %}", "/plekken/2")]
    with app.test_request_context("/"):
        rendered = mapview.render(mapview.build_map(markers, None), "n0nce")
    script = rendered.script
    assert "fitBounds" in script and "[52.37, 4.89]" in script and "[52.4, 4.95]" in script
    assert [m["name"] for m in _map_data(script)["markers"]] == ["Zaal {{7*7}}", "{% raw %}"]
    assert 'nonce="n0nce"' in script and "Zaal 49" not in script


def test_a_template_in_the_query_string_is_not_evaluated(client, make_place):
    make_place(*offset(*DAM, 40), name="Buurthuis")
    response = client.get(f"/plekken?lat={DAM[1]}&lon={DAM[0]}&view=kaart&q=Zaal%20%7B%7B7*7%7D%7D&x=%7B%25raw%25%7D")
    assert response.status_code == 200
    page = html(response)
    assert "Zaal 49" not in page and "Zaal%2049" not in page and "Zaal+49" not in page


def test_the_map_script_is_ours_and_builds_popups_from_text_nodes(client):
    js = client.get("/static/js/places-map.js")
    assert js.status_code == 200
    source = js.get_data(as_text=True)
    assert "textContent" in source
    assert "innerHTML" not in source and "bindPopup(\"" not in source and "eval(" not in source
