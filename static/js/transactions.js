// The transactions page: bulk selection (select-all, count, buttons) and focus for the inline row forms.
// htmx does the requests and swaps; this only keeps the page's small bits of state in step.
(function () {
  "use strict";

  function items() {
    return Array.from(document.querySelectorAll("input[data-bulk-item]"));
  }

  function refresh() {
    var boxes = items();
    var selected = boxes.filter(function (box) { return box.checked; }).length;
    var count = document.querySelector("[data-bulk-count]");
    if (count) count.textContent = selected ? selected + " selected" : "None selected";
    document.querySelectorAll("[data-bulk-action]").forEach(function (button) { button.disabled = selected === 0; });
    var all = document.querySelector("input[data-bulk-all]");
    if (all) {
      all.checked = boxes.length > 0 && selected === boxes.length;
      all.indeterminate = selected > 0 && selected < boxes.length;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("input[data-bulk-all]")) {
      items().forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches("input[data-bulk-all], input[data-bulk-item]")) refresh();
  });

  // Rows added, edited or deleted by htmx change what can be selected.
  document.addEventListener("htmx:afterSettle", refresh);

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

  refresh();
})();
