/* "Gebruik mijn locatie": asks for the position only when tapped, puts it in the URL and searches.
   The position is never sent anywhere but this search (and never stored). Without JS the button
   stays hidden and the "Postcode of plaats" field works on its own. Messages come translated from the page. */
(function () {
  "use strict";
  var form = document.querySelector("[data-places-search]");
  if (!form || !("geolocation" in navigator)) { return; }
  var box = form.querySelector("[data-geo]");
  var button = form.querySelector("[data-geo-button]");
  var status = form.querySelector("[data-geo-status]");
  if (!box || !button) { return; }
  box.hidden = false;

  function say(text) { if (status) { status.textContent = text; } }

  button.addEventListener("click", function () {
    button.disabled = true;
    say(box.getAttribute("data-msg-wait"));
    navigator.geolocation.getCurrentPosition(function (pos) {
      var data = new FormData(form);
      var params = new URLSearchParams();
      data.forEach(function (value, key) {
        if (key !== "q" && key !== "lat" && key !== "lon" && key !== "gemeente" && key !== "limit" && value !== "") {
          params.append(key, value);
        }
      });
      params.set("lat", pos.coords.latitude.toFixed(5));
      params.set("lon", pos.coords.longitude.toFixed(5));
      window.location.assign(form.getAttribute("action") + "?" + params.toString());
    }, function (err) {
      button.disabled = false;
      say(box.getAttribute(err && err.code === 1 ? "data-msg-denied" : "data-msg-failed"));
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
  });
})();
