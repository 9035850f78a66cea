/* The insight map: buurten coloured by the share within reach of a wheelchair-accessible place.
   Everything comes from the page's JSON data block (#insight-map-data); names are set as text (textContent),
   never as HTML, and no data ever passes through a template. The table on the page holds the same figures. */
(function () {
  "use strict";
  var COLOURS = ["#e66101", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];

  function colour(share) {
    if (!(share > 0)) { return COLOURS[0]; }
    if (share < 0.25) { return COLOURS[1]; }
    if (share < 0.5) { return COLOURS[2]; }
    if (share < 0.75) { return COLOURS[3]; }
    return COLOURS[4];
  }

  function tooltip(props, labels) {
    return function () {
      var box = document.createElement("div");
      var name = document.createElement("strong");
      name.textContent = String(props.buurtnaam);
      box.appendChild(name);
      var line = document.createElement("p");
      line.textContent = Math.round(props.share_access * 100) + "% " + labels.access + " (" +
        props.inhabitants_access + " / " + props.inhabitants + " " + labels.inhabitants + ")";
      box.appendChild(line);
      return box;
    };
  }

  function start() {
    var dataElement = document.getElementById("insight-map-data");
    var box = document.getElementById("insight-map");
    if (!window.L || !dataElement || !box) { return; }
    var data = JSON.parse(dataElement.textContent);
    var map = window.L.map(box, {scrollWheelZoom: false});
    window.L.tileLayer(data.tiles.url, {attribution: data.tiles.attribution, maxZoom: 19}).addTo(map);
    var layer = window.L.geoJSON(data.geojson, {
      style: function (feature) {
        return {color: "#333", weight: 1, fillColor: colour(feature.properties.share_access), fillOpacity: 0.7};
      },
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(tooltip(feature.properties, data.labels), {sticky: true});
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
