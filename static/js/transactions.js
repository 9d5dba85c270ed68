// The transactions page: focus for the inline row forms (bulk selection is bulk_select.js).
// htmx does the requests and swaps; this only keeps the page's small bits of state in step.
(function () {
  "use strict";

  // One new-transaction form at a time: a second click on "Add transaction" goes to the open one.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target.id !== "add-transaction") return;
    var open = document.getElementById("txn-new");
    if (open) {
      event.preventDefault();
      var field = open.querySelector("input:not([type=hidden]), select");
      if (field) field.focus();
    }
  });

  // A row form that appears takes the focus (on its first invalid field after a failed save).
  document.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (!element.matches || !element.matches("[data-txn-form]")) return;
    var field = element.querySelector("[aria-invalid=true]") ||
      element.querySelector("input:not([type=hidden]), select");
    if (field) field.focus();
  });

  // Escape in a row form cancels it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest("[data-txn-form]");
    if (!form) return;
    var cancel = Array.from(form.querySelectorAll("button, a")).find(function (el) { return el.textContent.trim() === "Cancel"; });
    if (cancel) cancel.click();
  });
})();
