/* Buurtplek: small enhancements for every page. Everything works without this file.
   Loaded with `defer` from base.html; no inline scripts (the CSP forbids them without a nonce). */
(function () {
  "use strict";

  /* Header menu: a <details> disclosure. On wide screens keep it open and show the items in one row. */
  var menu = document.querySelector("[data-menu]");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48rem)");
    var apply = function () {
      if (wide.matches) {
        menu.classList.add("menu-static");
        menu.open = true;
      } else if (menu.classList.contains("menu-static")) {
        menu.classList.remove("menu-static");
        menu.open = false;
      }
    };
    apply();
    if (wide.addEventListener) { wide.addEventListener("change", apply); }
    // Escape closes the drop-down menu and puts the focus back on its toggle.
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !menu.classList.contains("menu-static")) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.classList.contains("menu-static") && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
  }

  /* A form came back with errors: move the focus to the list of errors, so it is read out first. */
  var errors = document.querySelector("[data-error-summary]");
  if (errors) { errors.focus(); }

  /* Offline copy (served by the service worker): show when it was saved, in the page's language. */
  var cachedAt = document.querySelector("[data-cached-at]");
  if (cachedAt && cachedAt.getAttribute("data-cached-at")) {
    var when = new Date(cachedAt.getAttribute("data-cached-at"));
    if (!isNaN(when.getTime())) {
      cachedAt.textContent = "(" + when.toLocaleString(document.documentElement.lang || "nl",
        { dateStyle: "medium", timeStyle: "short" }) + ")";
    }
  }

  /* The offline page lists the pages this phone still has (the last search results first). */
  var saved = document.querySelector("[data-saved-pages]");
  if (saved && "caches" in window) {
    caches.open("buurtplek-pages").then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) {
          return cache.match(request).then(function (response) {
            var title = response && response.headers.get("X-Page-Title");
            try { title = title && decodeURIComponent(title); } catch (e) { title = null; }
            return { url: request.url, title: title,
                     at: response && response.headers.get("X-Cached-At") };
          });
        }));
      });
    }).then(function (pages) {
      pages.sort(function (a, b) { return (b.at || "").localeCompare(a.at || ""); });
      var list = saved.querySelector("ul");
      pages.forEach(function (page) {
        var url = new URL(page.url);
        if (url.origin !== location.origin || url.pathname === location.pathname) { return; }
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = url.pathname + url.search;
        link.textContent = page.title || (url.pathname + url.search);
        item.appendChild(link);
        list.appendChild(item);
      });
      if (list.children.length) { saved.hidden = false; }
    }).catch(function () { /* no cache storage: nothing to list */ });
  }

  /* The service worker: the app shell and the last pages and API answers stay available offline. */
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* not fatal */ });
    });
  }
})();

/* Choosing a point on a Leaflet map without a mouse (WCAG 2.1.1, 2.5.7): the map takes focus and pans
   with the arrow keys (+/- zoom), a crosshair marks its centre, and a button next to it
   ([data-use-map-centre], in the same fieldset) picks that centre. The domain scripts call this. */
window.Buurtplek = window.Buurtplek || {};
window.Buurtplek.keyboardPick = function (map, container, onPick) {
  "use strict";
  container.setAttribute("tabindex", "0");
  var cross = document.createElement("div");
  cross.className = "map-crosshair";
  cross.setAttribute("aria-hidden", "true");
  container.appendChild(cross);
  var scope = container.closest("fieldset") || container.parentNode;
  var button = scope.querySelector("[data-use-map-centre]");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { onPick(map.getCenter()); });
};
