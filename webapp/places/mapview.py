"""The search page's map (a second view; the list is primary), made with folium. The place page's map of
one marker is written without folium (webapp/places/place_map.py, the same markup; MapMarker and
RenderedMap live there).

Nothing comes from a CDN: folium's default JS/CSS (Leaflet, jQuery, Bootstrap, awesome-markers from
CDNs) are replaced by Leaflet from /vendor/leaflet/ (xstatic-leaflet) and Leaflet.markercluster from
/static/vendor/. Tiles come from TILE_URL. Folium's inline script gets the CSP nonce.

Stored text never reaches a template. branca renders every element's script output a second time as a
Jinja template (`Element(script(...))`), so folium elements here hold only numbers, configuration and
names folium generated itself. The data (markers with name, link and detail line; the URL a tap on the
map searches from) travel in one `<script type="application/json">` block, written by our own
template `places/_map_data.html` with `tojson`; `MarkersFromData` hands that block to
static/js/places-map.js, which builds the markers and their popups with text nodes (never HTML).
"""
from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

import folium
from branca.element import CssLink, JavascriptLink, MacroElement
from flask import current_app, render_template, url_for
from folium.elements import JSCSSMixin
from folium.plugins import MarkerCluster
from jinja2 import Template
from markupsafe import Markup

from webapp.places.attributes import CATEGORIES
from webapp.places.place_map import MapMarker, RenderedMap

__all__ = ["MapMarker", "RenderedMap", "build_map", "render", "category_label"]

CLUSTER_ABOVE = 50


class MarkersFromData(JSCSSMixin, MacroElement):
    """Puts the markers (and the map's click navigation) on the map from the JSON data block.

    Its template holds no data, only names folium generated (the map, the layer, this element, which
    is also the data block's id): the data are never part of any template source."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.Buurtplek.placesMap({{ this._parent.get_name() }}, {{ this.layer.get_name() }},
                                   document.getElementById("{{ this.get_name() }}"));
        {% endmacro %}
    """)

    def __init__(self, layer, markers: list[MapMarker], click_url: str | None):
        super().__init__()
        self._name = "MarkersFromData"
        self.layer = layer
        self.data = {"markers": [asdict(m) for m in markers], "click_url": click_url}
        asset_url: Any = current_app.jinja_env.globals["asset_url"]
        self.default_js = [("places_map", asset_url("js/places-map.js"))]


def _local_assets():
    leaflet_js = url_for("vendor.leaflet", filename="leaflet.js")
    leaflet_css = url_for("vendor.leaflet", filename="leaflet.css")
    asset_url: Any = current_app.jinja_env.globals["asset_url"]
    return (
        [("leaflet", leaflet_js)],
        [("leaflet_css", leaflet_css)],
        [("markerclusterjs", asset_url("vendor/leaflet.markercluster/leaflet.markercluster.js"))],
        [("markerclustercss", asset_url("vendor/leaflet.markercluster/MarkerCluster.css")),
         ("markerclusterdefaultcss", asset_url("vendor/leaflet.markercluster/MarkerCluster.Default.css"))],
    )


def build_map(markers: list[MapMarker], centre: tuple[float, float] | None, zoom: int = 15,
              click_url: str | None = None, height: str = "60vh", you_are_here: bool = False) -> folium.Map:
    """The map around `centre` (lon, lat) with `markers`; a tap on the map opens `click_url` with the
    tapped point as lat/lon (and without `gemeente`)."""
    leaflet_js, leaflet_css, cluster_js, cluster_css = _local_assets()
    config = current_app.config
    start = [centre[1], centre[0]] if centre else ([markers[0].lat, markers[0].lon] if markers else [52.1, 5.3])
    fmap = folium.Map(location=start, zoom_start=zoom, tiles=None, height=height, width="100%",
                      control_scale=True, prefer_canvas=False)
    fmap.default_js = leaflet_js
    fmap.default_css = leaflet_css
    folium.TileLayer(tiles=config["TILE_URL"], attr=config["TILE_ATTRIBUTION"], name="kaart",
                     max_zoom=19, control=False).add_to(fmap)
    layer: Any = fmap
    if len(markers) > CLUSTER_ABOVE:
        cluster = MarkerCluster(name="plekken", control=False)
        cluster.default_js = cluster_js
        cluster.default_css = cluster_css
        cluster.add_to(fmap)
        layer = cluster
    if you_are_here and centre:
        folium.CircleMarker([float(centre[1]), float(centre[0])], radius=8, color="#b3261e", weight=3, fill=True,
                            fill_opacity=0.4).add_to(fmap)
    if len(markers) > 1 and centre is None:
        lats = [float(m.lat) for m in markers]
        lons = [float(m.lon) for m in markers]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    fmap.add_child(MarkersFromData(layer, markers, click_url))
    return fmap


_SCRIPT_OPEN = re.compile(r"<script(?![^>]*\bnonce=)", re.I)
_SCRIPT_SRC = re.compile(r"<script(?=[^>]*\bsrc=)(?![^>]*\b(?:defer|async)\b)", re.I)


def _with_nonce(html: str, nonce: str) -> str:
    return _SCRIPT_OPEN.sub(f'<script nonce="{nonce}"', html)


def _deferred(html: str) -> str:
    """Every <script src> deferred: the page paints without waiting for Leaflet; deferred scripts run in
    document order (Leaflet, then the cluster plugin, then places-map.js) before DOMContentLoaded."""
    return _SCRIPT_SRC.sub("<script defer", html)


def render(fmap: folium.Map, nonce: str) -> RenderedMap:
    """Split folium's output into what goes in <head>, the map element, and the script."""
    root: Any = fmap.get_root()
    root.render()  # lets every element add its links and scripts to the figure
    header_parts = []
    for child in root.header._children.values():
        # Only the links to our own JS/CSS: folium's full-page <meta>/<style> (html, body 100%) are
        # not for an embedded map; places.css sizes the map.
        if isinstance(child, (JavascriptLink, CssLink)):
            header_parts.append(child.render())
    head = "\n".join(header_parts)
    body = root.html.render()
    data = next(c for c in fmap._children.values() if isinstance(c, MarkersFromData))
    data_block = render_template("places/_map_data.html", id=data.get_name(), data=data.data, nonce=nonce)
    # Folium's map script needs Leaflet, which is deferred: it runs once the deferred scripts have run.
    build = root.script.render()
    script = (f'{data_block}\n<script nonce="{nonce}">\n'
              f'document.addEventListener("DOMContentLoaded", function () {{\n{build}\n}});\n</script>')
    return RenderedMap(Markup(_with_nonce(_deferred(head), nonce)), Markup(body), Markup(script))


def category_label(category: str) -> str:
    return str(CATEGORIES.get(category, category))
