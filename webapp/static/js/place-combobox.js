/* "Postcode of plaats" as a WAI-ARIA 1.2 combobox (list autocomplete): suggestions from /api/v1/plaatsen
   while typing; ArrowDown/ArrowUp move through them (aria-activedescendant), Enter takes one, Escape closes
   the list (a second Escape empties the field). Without JavaScript the field is a plain text input of the
   search form. Messages come translated from the page (data-msg-*). */
(function () {
  "use strict";
  var box = document.querySelector("[data-place-combobox]");
  if (!box || !window.fetch) { return; }
  var input = box.querySelector("input[name=q]");
  if (!input) { return; }
  var form = input.form;
  var listId = input.id + "-listbox";
  var list = document.createElement("ul");
  list.id = listId;
  list.className = "combobox-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", box.querySelector("label").textContent);
  list.hidden = true;
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  input.insertAdjacentElement("afterend", list);
  list.insertAdjacentElement("afterend", status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);

  var options = [];
  var active = -1;
  var timer = null;
  var asked = "";

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(index) {
    input.value = options[index].getAttribute("data-value");
    close();
    // The typed place decides where to search: an old point or gemeente choice no longer applies.
    if (form) {
      Array.prototype.forEach.call(form.querySelectorAll("[data-point]"), function (el) { el.remove(); });
      var select = form.querySelector("[data-gemeente-select]");
      if (select) { select.value = ""; }
    }
  }

  function show(results) {
    list.textContent = "";
    options = results.map(function (r, i) {
      var li = document.createElement("li");
      li.id = listId + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-value", r.label);
      li.textContent = r.label;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); });
      li.addEventListener("click", function () { choose(i); input.focus(); });
      list.appendChild(li);
      return li;
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (options.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = (box.getAttribute("data-msg-count") || "{num}").replace("{num}", options.length);
    } else {
      close();
      status.textContent = input.value.trim().length >= 2 ? (box.getAttribute("data-msg-none") || "") : "";
    }
  }

  function ask() {
    var q = input.value.trim();
    asked = q;
    if (q.length < 2) { show([]); return; }
    var url = box.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(q);
    fetch(url, {headers: {"Accept": "application/json"}}).then(function (r) {
      return r.ok ? r.json() : {results: []};
    }).then(function (data) {
      if (asked === q && document.activeElement === input) { show(data.results || []); }
    }).catch(function () { show([]); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  input.addEventListener("keydown", function (e) {
    var open = !list.hidden && options.length > 0;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open) { if (options.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } else { ask(); } return; }
      highlight(active < options.length - 1 ? active + 1 : 0);
    } else if (e.key === "ArrowUp") {
      if (!open) { return; }
      e.preventDefault();
      highlight(active > 0 ? active - 1 : options.length - 1);
    } else if (e.key === "Enter") {
      if (open && active >= 0) { e.preventDefault(); choose(active); }
    } else if (e.key === "Escape") {
      if (open) { e.preventDefault(); close(); } else if (input.value) { e.preventDefault(); input.value = ""; }
    }
  });
  input.addEventListener("blur", function () { close(); });
}());
