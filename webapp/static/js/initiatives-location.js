/* Initiatives pages: "use my location" (only on tap), the place picker as you type, and the print button
   on posters.
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

  // Initiative form: places found as the owner types (nearest first when the form has a point), each a
  // checkbox "place_ids" like the list the server renders; checked ones stay when the text changes.
  document.querySelectorAll("[data-place-picker]").forEach(function (picker) {
    var form = picker.closest("form");
    var input = form && form.querySelector("input[name=place_query]");
    var list = picker.querySelector("[data-place-results]");
    var live = picker.querySelector("[data-place-status]");
    if (!input || !list || !window.fetch) { return; }
    var timer = null, asked = "", origin = null;
    var lang = document.documentElement.lang || "nl";

    function distanceText(metres) {
      if (metres === null || metres === undefined) { return ""; }
      if (metres < 1000) { return Math.round(metres / 10) * 10 + " m"; }
      return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(metres / 1000) + " km";
    }

    // The same place in the list the server rendered (the owner's proposals, places chosen before).
    function shownElsewhere(id) {
      return Array.prototype.filter.call(form.querySelectorAll("input[name=place_ids]"), function (box) {
        return box.value === String(id) && !list.contains(box);
      })[0] || null;
    }

    function render(results) {
      Array.prototype.forEach.call(list.querySelectorAll("li"), function (li) {
        if (!li.querySelector("input").checked) { li.remove(); }
      });
      var kept = Array.prototype.map.call(list.querySelectorAll("input"), function (box) { return box.value; });
      var added = 0;
      results.forEach(function (r) {
        if (kept.indexOf(String(r.id)) >= 0) { return; }
        var li = document.createElement("li");
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.value = String(r.id);
        var twin = shownElsewhere(r.id);
        if (twin) {   // one place, one value sent: this box only mirrors the one above
          box.checked = twin.checked;
          box.addEventListener("change", function () { twin.checked = box.checked; });
        } else {
          box.name = "place_ids";
        }
        label.appendChild(box);
        var parts = [r.name];
        if (r.address) { parts.push(r.address); }
        var distance = distanceText(r.distance_m);
        if (distance) { parts.push(distance); }
        if (r.proposed) { parts.push(picker.getAttribute("data-msg-proposed")); }
        label.appendChild(document.createTextNode(" " + parts.join(" · ")));
        li.appendChild(label);
        list.appendChild(li);
        added += 1;
      });
      live.textContent = results.length
        ? picker.getAttribute("data-msg-found").replace("{n}", String(results.length))
        : picker.getAttribute("data-msg-none");
      return added;
    }

    function ask(force) {
      var q = input.value.trim();
      if (q === asked && !force) { return; }
      asked = q;
      if (q.length < 2) { render([]); live.textContent = ""; return; }
      var params = new URLSearchParams({ q: q });
      // Nearest first from "my location" when asked for, else from the point of the form's own location.
      var lat = origin ? origin.lat : parseFloat((form.querySelector("input[name=lat]") || {}).value);
      var lon = origin ? origin.lon : parseFloat((form.querySelector("input[name=lon]") || {}).value);
      if (isFinite(lat) && isFinite(lon)) { params.set("lat", lat.toFixed(5)); params.set("lon", lon.toFixed(5)); }
      fetch(picker.getAttribute("data-url") + "?" + params.toString(), {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      }).then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      }).then(function (data) {
        if (asked === q) { render(data.results || []); }
      }).catch(function () {
        live.textContent = picker.getAttribute("data-msg-error");
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });

    var near = picker.querySelector("[data-picker-near]");
    if (near && navigator.geolocation) {
      near.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          origin = { lat: pos.coords.latitude, lon: pos.coords.longitude };
          near.setAttribute("aria-pressed", "true");
          Array.prototype.forEach.call(list.querySelectorAll("li"), function (li) {
            if (!li.querySelector("input").checked) { li.remove(); }
          });
          ask(true);
        }, function () {
          live.textContent = picker.getAttribute("data-msg-no-location");
        }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
      });
    } else if (near) {
      near.parentNode.remove();
    }
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
}());
