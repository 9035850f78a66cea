/* Saved places offline: asks the service worker (webapp/static/sw.js) to keep the pages on the "Bewaard"
   list, and the page being saved, in the browser's own cache (also for signed-in users; their pages are
   `Cache-Control: private`, which no shared cache keeps). The service worker forgets them at logout. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) { return; }
  function tell(message) {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) { registration.active.postMessage(message); }
    });
  }
  var urls = [];
  document.querySelectorAll("a[data-saved-page]").forEach(function (a) {
    urls.push(new URL(a.getAttribute("href"), window.location.href).pathname);
  });
  if (urls.length) { tell({ type: "keep-saved", urls: urls }); }
  document.querySelectorAll("[data-save-offline]").forEach(function (button) {
    button.addEventListener("click", function () {
      tell({ type: "keep-saved", urls: [button.getAttribute("data-save-offline")] });
    });
  });
})();
