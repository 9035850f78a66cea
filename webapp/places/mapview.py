"""The map (a second view; the list is primary), made with folium.

Nothing comes from a CDN: folium's default JS/CSS (Leaflet, jQuery, Bootstrap, awesome-markers from
CDNs) are replaced by Leaflet from /vendor/leaflet/ (xstatic-leaflet) and Leaflet.markercluster from
/static/vendor/. Tiles come from TILE_URL. Folium's inline script gets the CSP nonce. Popups are built
with DOM text nodes from JSON-encoded strings (`SafePopup`), never as HTML, so a name like
`<img onerror=...>` or `${...}` shows as text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import folium
from branca.element import CssLink, JavascriptLink, MacroElement
from flask import current_app, url_for
from folium.plugins import MarkerCluster
from jinja2 import Template
from markupsafe import Markup

from webapp.places.attributes import CATEGORIES

CLUSTER_ABOVE = 50


@dataclass(frozen=True)
class MapMarker:
    lon: float
    lat: float
    name: str
    url: str
    detail: str = ""      # e.g. "Buurthuis · 350 m"


@dataclass(frozen=True)
class RenderedMap:
    head: Markup      # <link>/<script src> + the map's own <style>
    body: Markup      # the map <div>
    script: Markup    # <script nonce=...> that builds it


class SafePopup(MacroElement):
    """A popup with a link (name) and a line of text, made of text nodes: no HTML from data."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup(function () {
            var box = document.createElement("div");
            var link = document.createElement("a");
            link.href = {{ this.url|tojson }};
            link.textContent = {{ this.name|tojson }};
            box.appendChild(link);
            {% if this.detail %}
            var line = document.createElement("p");
            line.textContent = {{ this.detail|tojson }};
            box.appendChild(line);
            {% endif %}
            return box;
        });
        (function (marker, label) {
            marker.options.title = label;
            marker.options.alt = label;
            if (marker._icon) { marker._icon.title = label; marker._icon.alt = label; }
        })({{ this._parent.get_name() }}, {{ this.name|tojson }});
        {% endmacro %}
    """)

    def __init__(self, name: str, url: str, detail: str = ""):
        super().__init__()
        self._name = "SafePopup"
        self.name, self.url, self.detail = name, url, detail


class MapClickNavigates(MacroElement):
    """Tapping the map searches from that point (the gemeente picker and 'use my location' are the
    keyboard alternatives). The target URL keeps the other filters."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.on("click", function (e) {
            var url = new URL({{ this.base_url|tojson }}, window.location.href);
            url.searchParams.set("lat", e.latlng.lat.toFixed(5));
            url.searchParams.set("lon", e.latlng.lng.toFixed(5));
            url.searchParams.delete("gemeente");
            window.location.assign(url.toString());
        });
        {% endmacro %}
    """)

    def __init__(self, base_url: str):
        super().__init__()
        self._name = "MapClickNavigates"
        self.base_url = base_url


def _local_assets():
    leaflet_js = url_for("vendor.leaflet", filename="leaflet.js")
    leaflet_css = url_for("vendor.leaflet", filename="leaflet.css")
    asset_url = current_app.jinja_env.globals["asset_url"]
    return (
        [("leaflet", leaflet_js)],
        [("leaflet_css", leaflet_css)],
        [("markerclusterjs", asset_url("vendor/leaflet.markercluster/leaflet.markercluster.js"))],
        [("markerclustercss", asset_url("vendor/leaflet.markercluster/MarkerCluster.css")),
         ("markerclusterdefaultcss", asset_url("vendor/leaflet.markercluster/MarkerCluster.Default.css"))],
    )


def build_map(markers: list[MapMarker], centre: tuple[float, float] | None, zoom: int = 15,
              click_url: str | None = None, height: str = "60vh", you_are_here: bool = False) -> folium.Map:
    leaflet_js, leaflet_css, cluster_js, cluster_css = _local_assets()
    config = current_app.config
    start = [centre[1], centre[0]] if centre else ([markers[0].lat, markers[0].lon] if markers else [52.1, 5.3])
    fmap = folium.Map(location=start, zoom_start=zoom, tiles=None, height=height, width="100%",
                      control_scale=True, prefer_canvas=False)
    fmap.default_js = leaflet_js
    fmap.default_css = leaflet_css
    folium.TileLayer(tiles=config["TILE_URL"], attr=config["TILE_ATTRIBUTION"], name="kaart",
                     max_zoom=19, control=False).add_to(fmap)
    layer = fmap
    if len(markers) > CLUSTER_ABOVE:
        cluster = MarkerCluster(name="plekken", control=False)
        cluster.default_js = cluster_js
        cluster.default_css = cluster_css
        cluster.add_to(fmap)
        layer = cluster
    for m in markers:
        marker = folium.Marker([m.lat, m.lon])
        marker.add_child(SafePopup(m.name, m.url, m.detail))
        marker.add_to(layer)
    if you_are_here and centre:
        folium.CircleMarker([centre[1], centre[0]], radius=8, color="#b3261e", weight=3, fill=True,
                            fill_opacity=0.4).add_to(fmap)
    if len(markers) > 1 and centre is None:
        lats = [m.lat for m in markers]
        lons = [m.lon for m in markers]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    if click_url:
        fmap.add_child(MapClickNavigates(click_url))
    return fmap


_SCRIPT_OPEN = re.compile(r"<script(?![^>]*\bnonce=)", re.I)


def _with_nonce(html: str, nonce: str) -> str:
    return _SCRIPT_OPEN.sub(f'<script nonce="{nonce}"', html)


def render(fmap: folium.Map, nonce: str) -> RenderedMap:
    """Split folium's output into what goes in <head>, the map element, and the script."""
    root = fmap.get_root()
    root.render()  # lets every element add its links and scripts to the figure
    header_parts = []
    for child in root.header._children.values():
        # Only the links to our own JS/CSS: folium's full-page <meta>/<style> (html, body 100%) are
        # not for an embedded map; places.css sizes the map.
        if isinstance(child, (JavascriptLink, CssLink)):
            header_parts.append(child.render())
    head = "\n".join(header_parts)
    body = root.html.render()
    script = f'<script nonce="{nonce}">\n{root.script.render()}\n</script>'
    return RenderedMap(Markup(_with_nonce(head, nonce)), Markup(body), Markup(script))


def category_label(category: str) -> str:
    return str(CATEGORIES.get(category, category))
