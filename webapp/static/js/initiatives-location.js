/* Initiatives pages: "use my location" (only on tap), and the print button on posters.
   Everything works without this script; it only adds shortcuts. */
(function () {
  "use strict";

  function status(el, text) {
    var target = el.parentNode.querySelector("[data-location-status]");
    if (target) { target.textContent = text; }
  }

  function locate(button, done) {
    if (!navigator.geolocation) {
      status(button, button.getAttribute("data-no-geo") || "Uw locatie is niet beschikbaar.");
      return;
    }
    status(button, "Bezig met zoeken…");
    navigator.geolocation.getCurrentPosition(function (pos) {
      done(pos.coords.latitude.toFixed(5), pos.coords.longitude.toFixed(5));
    }, function () {
      status(button, "Uw locatie is niet gevonden. Kies een gemeente.");
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  }

  document.querySelectorAll(".js-only[hidden]").forEach(function (el) {
    if (el.querySelector("[data-use-location], [data-fill-location]") && !navigator.geolocation) { return; }
    if (el.querySelector("[data-pick-map]") && typeof window.L === "undefined") { return; }
    el.hidden = false;
  });

  // "Wat is er te doen?": search around the current position.
  document.querySelectorAll("[data-use-location]").forEach(function (button) {
    button.addEventListener("click", function () {
      var form = button.closest("form");
      locate(button, function (lat, lon) {
        ["lat", "lon"].forEach(function (name) {
          var input = form.querySelector("input[name=" + name + "]");
          if (!input) {
            input = document.createElement("input");
            input.type = "hidden";
            input.name = name;
            form.appendChild(input);
          }
          input.value = name === "lat" ? lat : lon;
        });
        var gemeente = form.querySelector("select[name=gemeente]");
        if (gemeente) { gemeente.value = ""; gemeente.disabled = true; }
        form.submit();
      });
    });
  });

  // Choosing a gemeente overrides an earlier "my location".
  document.querySelectorAll("select[name=gemeente]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.value !== "here") {
        select.form.querySelectorAll("input[type=hidden][name=lat], input[type=hidden][name=lon]").forEach(function (i) {
          i.remove();
        });
      }
    });
  });

  // Initiative form: fill the latitude and longitude fields of its own location.
  document.querySelectorAll("[data-fill-location]").forEach(function (button) {
    button.addEventListener("click", function () {
      locate(button, function (lat, lon) {
        var form = button.closest("form");
        var latField = form.querySelector("input[name=lat]");
        var lonField = form.querySelector("input[name=lon]");
        latField.value = lat;
        lonField.value = lon;
        latField.dispatchEvent(new Event("change"));
        status(button, "Uw locatie is ingevuld.");
      });
    });
  });

  // Initiative form: tap the map to set its own location (the lat/lon fields stay the real input).
  document.querySelectorAll("[data-pick-map]").forEach(function (el) {
    if (typeof window.L === "undefined") { return; }
    var form = el.closest("form");
    var latInput = form.querySelector("input[name=lat]");
    var lonInput = form.querySelector("input[name=lon]");
    var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
    var has = isFinite(lat) && isFinite(lon);
    var map = window.L.map(el, { scrollWheelZoom: false }).setView(has ? [lat, lon] : [52.2, 5.3], has ? 16 : 7);
    window.L.tileLayer(el.getAttribute("data-tile-url"), {
      maxZoom: 19, attribution: el.getAttribute("data-attribution") || ""
    }).addTo(map);
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else {
        marker = window.L.circleMarker(latlng, { radius: 10, color: "#0b5d4b", weight: 3 }).addTo(map);
      }
    }
    if (has) { place([lat, lon]); }
    function pick(latlng) {
      place(latlng);
      latInput.value = latlng.lat.toFixed(5);
      lonInput.value = latlng.lng.toFixed(5);
    }
    map.on("click", function (e) { pick(e.latlng); });
    if (window.Buurtplek && window.Buurtplek.keyboardPick) { window.Buurtplek.keyboardPick(map, el, pick); }
    [latInput, lonInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var a = parseFloat(latInput.value), b = parseFloat(lonInput.value);
        if (isFinite(a) && isFinite(b)) { place([a, b]); map.setView([a, b], 16); }
      });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
}());
