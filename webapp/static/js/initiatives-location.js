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
        form.querySelector("input[name=lat]").value = lat;
        form.querySelector("input[name=lon]").value = lon;
        status(button, "Uw locatie is ingevuld.");
      });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
}());
