/* Place form helpers (progressive enhancement; the form works without this file):
   - "use my location" (only when tapped) and tapping a small map fill the lat/lon fields;
   - the toilet-for-wheelchair question hides when there is no toilet;
   - day/time pickers build the OpenStreetMap opening_hours text. */
(function () {
  "use strict";
  var form = document.getElementById("stw-place-form");
  if (!form) { return; }
  var lat = form.querySelector("[name=lat]");
  /* Possible duplicates or a conflict: move the focus there, so it is read out first. */
  var notice = document.getElementById("dup-heading") || document.getElementById("conflict");
  if (notice) { notice.focus(); }
  var lon = form.querySelector("[name=lon]");

  /* --- location ------------------------------------------------------------------------ */
  var jsOnly = form.querySelector(".stw-js-only");
  if (jsOnly && lat && lon) {
    jsOnly.hidden = false;
    var status = document.getElementById("stw-location-status");
    var mapEl = document.getElementById("stw-map");
    var map = null;
    var marker = null;
    var setPoint = function (la, lo, zoom) {
      lat.value = la.toFixed(6);
      lon.value = lo.toFixed(6);
      if (map) {
        if (marker) { marker.setLatLng([la, lo]); } else { marker = window.L.marker([la, lo], {keyboard: false}).addTo(map); }
        map.setView([la, lo], zoom || Math.max(map.getZoom(), 16));
      }
    };
    if (window.L && mapEl) {
      var start = [parseFloat(lat.value), parseFloat(lon.value)];
      var known = !isNaN(start[0]) && !isNaN(start[1]);
      map = window.L.map(mapEl, {scrollWheelZoom: false}).setView(known ? start : [52.2, 5.3], known ? 16 : 7);
      window.L.tileLayer(mapEl.getAttribute("data-tile-url"), {
        maxZoom: 19, attribution: "&copy; OpenStreetMap"
      }).addTo(map);
      if (known) { marker = window.L.marker(start, {keyboard: false}).addTo(map); }
      map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng); status.textContent = mapEl.getAttribute("aria-label") + ": ✓"; });
      if (window.Buurtplek && window.Buurtplek.keyboardPick) {
        window.Buurtplek.keyboardPick(map, mapEl, function (centre) {
          setPoint(centre.lat, centre.lng);
          status.textContent = "✓ " + centre.lat.toFixed(5) + ", " + centre.lng.toFixed(5);
        });
      }
    } else if (mapEl) {
      mapEl.hidden = true;
    }
    var useButton = document.getElementById("stw-use-location");
    if (!("geolocation" in navigator)) {
      useButton.hidden = true;
    } else {
      useButton.addEventListener("click", function () {
        status.textContent = "…";
        navigator.geolocation.getCurrentPosition(function (pos) {
          setPoint(pos.coords.latitude, pos.coords.longitude, 17);
          status.textContent = "✓ " + pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
        }, function () {
          status.textContent = "✕ " + useButton.textContent;
        }, {enableHighAccuracy: true, timeout: 15000});
      });
    }
  }

  /* --- conditional questions ------------------------------------------------------------ */
  Array.prototype.forEach.call(form.querySelectorAll("[data-hide-when-field]"), function (box) {
    var name = box.getAttribute("data-hide-when-field");
    var value = box.getAttribute("data-hide-when-value");
    var update = function () {
      var checked = form.querySelector("input[name='" + name + "']:checked");
      box.hidden = !!checked && checked.value === value;
    };
    Array.prototype.forEach.call(form.querySelectorAll("input[name='" + name + "']"), function (input) {
      input.addEventListener("change", update);
    });
    update();
  });

  /* --- opening hours builder ------------------------------------------------------------ */
  var builder = document.getElementById("stw-oh-builder");
  var hours = form.querySelector("[name=opening_hours]");
  if (builder && hours) {
    builder.hidden = false;
    var order = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
    var daysText = function (days) {
      var idx = days.map(function (d) { return order.indexOf(d); }).sort(function (a, b) { return a - b; });
      var parts = [];
      var i = 0;
      while (i < idx.length) {
        var j = i;
        while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) { j++; }
        if (j - i >= 2) { parts.push(order[idx[i]] + "-" + order[idx[j]]); }
        else { for (var k = i; k <= j; k++) { parts.push(order[idx[k]]); } }
        i = j + 1;
      }
      return parts.join(",");
    };
    var ohStatus = document.getElementById("stw-oh-status");
    document.getElementById("stw-oh-add").addEventListener("click", function () {
      var days = Array.prototype.filter.call(builder.querySelectorAll("[data-oh-day]"), function (c) { return c.checked; })
        .map(function (c) { return c.value; });
      var from = document.getElementById("stw-oh-from").value;
      var to = document.getElementById("stw-oh-to").value;
      if (!days.length || !from || !to) { ohStatus.textContent = "✕"; return; }
      var rule = daysText(days) + " " + from + "-" + to;
      hours.value = hours.value.trim() ? hours.value.trim().replace(/;\s*$/, "") + "; " + rule : rule;
      ohStatus.textContent = "✓ " + hours.value;
      Array.prototype.forEach.call(builder.querySelectorAll("[data-oh-day]"), function (c) { c.checked = false; });
    });
  }
}());
