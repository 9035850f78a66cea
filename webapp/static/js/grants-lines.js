// Startbijdragen: show the running total of the budget lines next to the requested amount.
// Progressive enhancement only: the server checks the sum again (and exactly, in cents).
(function () {
  "use strict";
  var total = document.getElementById("line-total");
  var amountField = document.getElementById("amount_cents");
  if (!total) { return; }

  function cents(text) {
    var t = (text || "").replace(/[€\s]/g, "").replace(/,-$/, "");
    if (!t) { return 0; }
    if (t.indexOf(",") >= 0 && t.indexOf(".") >= 0) {
      t = t.lastIndexOf(",") > t.lastIndexOf(".") ? t.replace(/\./g, "").replace(",", ".") : t.replace(/,/g, "");
    } else if (t.indexOf(",") >= 0) {
      t = t.replace(",", ".");
    } else if (/^\d{1,3}(\.\d{3})+$/.test(t)) {
      t = t.replace(/\./g, "");
    }
    if (!/^\d+(\.\d{1,2})?$/.test(t)) { return NaN; }
    var parts = t.split(".");
    return parseInt(parts[0], 10) * 100 + (parts[1] ? parseInt((parts[1] + "0").slice(0, 2), 10) : 0);
  }

  function show(c) {
    var euros = Math.floor(c / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return "€ " + euros + "," + ("0" + (c % 100)).slice(-2);
  }

  function update() {
    var sum = 0, broken = false;
    document.querySelectorAll(".grant-line-amount").forEach(function (input) {
      var c = cents(input.value);
      if (isNaN(c)) { broken = true; } else { sum += c; }
    });
    if (broken) { total.hidden = true; return; }
    // The sentences come from the page (translated there); #AMOUNT# is filled in here.
    var text = total.dataset.total.replace("#AMOUNT#", show(sum));
    var asked = amountField ? cents(amountField.value) : NaN;
    if (!isNaN(asked) && asked > 0) {
      text += " " + (asked === sum ? total.dataset.equal : total.dataset.asked.replace("#AMOUNT#", show(asked)));
    }
    total.textContent = text;
    total.hidden = false;
  }

  document.addEventListener("input", function (event) {
    if (event.target.classList.contains("grant-line-amount") || event.target === amountField) { update(); }
  });
  update();
})();
