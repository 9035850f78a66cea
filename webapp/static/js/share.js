/* Share a place: the phone's own share sheet (Web Share API) where there is one, else "Kopieer link"
   (clipboard). Without JavaScript the button is a plain link to the page. Nothing is loaded from elsewhere. */
(function () {
  "use strict";
  var link = document.querySelector("[data-share]");
  if (!link) { return; }
  var status = document.querySelector(".share-status");
  var url = new URL(link.getAttribute("href"), window.location.href).href;
  var title = link.getAttribute("data-share-title") || document.title;
  var canShare = typeof navigator.share === "function";
  var canCopy = navigator.clipboard && typeof navigator.clipboard.writeText === "function";
  if (!canShare && !canCopy) { return; }
  if (!canShare) { link.textContent = link.getAttribute("data-copy-label"); }
  link.setAttribute("role", "button");
  link.addEventListener("click", function (event) {
    event.preventDefault();
    if (canShare) {
      navigator.share({ title: title, url: url }).catch(function () { /* closed by the user */ });
      return;
    }
    navigator.clipboard.writeText(url).then(function () {
      if (status) { status.textContent = link.getAttribute("data-copied"); }
    }, function () {
      window.location.href = url;
    });
  });
})();
