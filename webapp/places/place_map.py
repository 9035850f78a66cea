"""The small map on the place page: one marker, without folium.

Building and rendering a folium map cost about 12 ms of CPU per place page (folium looks the tile URL up
among xyzservices' ~1,000 providers and compiles several Jinja templates per map). For one marker the
output is always the same markup, so it is written here directly: the same `<head>` links, the same map
`<div>`, the same JSON data block and the same script that folium writes for
`mapview.build_map([marker], centre, zoom=16)`, but for blank lines (tests/places/test_place_page_map.py
compares them).

Stored text never reaches a script: the marker (name, link, detail line) travels only in the JSON data
block (`htmlsafe_json_dumps`: < > & ' escaped, so the block cannot end early), which
static/js/places-map.js turns into a marker with text nodes. The script holds only numbers, the
configured tile URL and attribution (JSON-encoded) and generated names.
"""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from typing import Any

from flask import current_app, url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup


@dataclass(frozen=True)
class MapMarker:
    lon: float
    lat: float
    name: str
    url: str
    detail: str = ""      # e.g. "Buurthuis · 350 m"


@dataclass(frozen=True)
class RenderedMap:
    head: Markup      # <link>/<script src defer> (Leaflet and the map's own JS, all deferred)
    body: Markup      # the map <div>
    script: Markup    # the JSON data block and the <script nonce=...> that builds the map on DOMContentLoaded


_HEAD = ('<script nonce="{nonce}" defer src="{leaflet_js}"></script>\n'
         '<link rel="stylesheet" href="{leaflet_css}"/>\n'
         '<script nonce="{nonce}" defer src="{map_js}"></script>')

_BODY = '<div class="folium-map" id="{map}" ></div>'

# Folium's script for one marker (tests/places/test_place_page_map.py compares it, whitespace aside).
_SCRIPT = '''<script type="application/json" id="{data}" nonce="{nonce}">{json}</script>
<script nonce="{nonce}">
document.addEventListener("DOMContentLoaded", function () {{
            var {map} = L.map(
                "{map}",
                {{
                    center: [{lat!r}, {lon!r}],
                    crs: L.CRS.EPSG3857,
                    ...{{
  "zoom": {zoom:d},
  "zoomControl": true,
  "preferCanvas": false,
}}
                }}
            );
            L.control.scale().addTo({map});
            var {tiles} = L.tileLayer(
                {tile_url},
                {{
  "minZoom": 0,
  "maxZoom": 19,
  "maxNativeZoom": 19,
  "noWrap": false,
  "attribution": {attribution},
  "subdomains": "abc",
  "detectRetina": false,
  "tms": false,
  "opacity": 1,
}}
            );
            {tiles}.addTo({map});
        window.Buurtplek.placesMap({map}, {map},
                                   document.getElementById("{data}"));
}});
</script>'''


def _json(value: Any) -> str:
    """JSON as the templates' `tojson` writes it (sorted keys; < > & ' escaped)."""
    return str(htmlsafe_json_dumps(value, dumps=current_app.json.dumps))


def render_one(marker: MapMarker, nonce: str, zoom: int = 16) -> RenderedMap:
    """The map centred on `marker`, at `zoom`, with that one marker (no click navigation)."""
    asset_url: Any = current_app.jinja_env.globals["asset_url"]
    config = current_app.config
    names = {"map": f"map_{uuid.uuid4().hex}", "tiles": f"tile_layer_{uuid.uuid4().hex}",
             "data": f"markers_from_data_{uuid.uuid4().hex}"}
    head = _HEAD.format(nonce=nonce, leaflet_js=url_for("vendor.leaflet", filename="leaflet.js"),
                        leaflet_css=url_for("vendor.leaflet", filename="leaflet.css"),
                        map_js=asset_url("js/places-map.js"))
    script = _SCRIPT.format(
        nonce=nonce, json=_json({"markers": [asdict(marker)], "click_url": None}),
        lat=float(marker.lat), lon=float(marker.lon), zoom=int(zoom),
        tile_url=_json(config["TILE_URL"]), attribution=_json(config["TILE_ATTRIBUTION"]), **names)
    return RenderedMap(Markup(head), Markup(_BODY.format(**names)), Markup(script))
