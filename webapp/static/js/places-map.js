/* The places map (search results and the place page): markers, their popups and "tap the map to search
   from there", built from the page's JSON data block (webapp/places/mapview.py). Folium draws the map,
   its tiles, the cluster layer and the you-are-here circle; it never sees a name.
   Names and details are set with textContent or as Leaflet's title/alt options (attributes), so a name
   is always text: never HTML, never a template. Markers stay keyboard-focusable (Leaflet's default). */
(function () {
  "use strict";

  function ownPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\";
  }

  function popup(item) {
    return function () {
      var box = document.createElement("div");
      var name = document.createElement(ownPath(item.url) ? "a" : "span");
      if (ownPath(item.url)) { name.href = item.url; }
      name.textContent = item.name;
      box.appendChild(name);
      if (item.detail) {
        var line = document.createElement("p");
        line.textContent = item.detail;
        box.appendChild(line);
      }
      return box;
    };
  }

  window.Buurtplek = window.Buurtplek || {};
  window.Buurtplek.placesMap = function (map, layer, dataElement) {
    if (!window.L || !dataElement) { return; }
    var data = JSON.parse(dataElement.textContent);
    (data.markers || []).forEach(function (item) {
      var label = String(item.name);
      var marker = window.L.marker([item.lat, item.lon], {title: label, alt: label});
      marker.bindPopup(popup(item));
      layer.addLayer(marker);
    });
    if (ownPath(data.click_url)) {
      map.on("click", function (e) {
        var url = new URL(data.click_url, window.location.href);
        url.searchParams.set("lat", e.latlng.lat.toFixed(5));
        url.searchParams.set("lon", e.latlng.lng.toFixed(5));
        url.searchParams.delete("gemeente");
        window.location.assign(url.toString());
      });
    }
  };
}());
