// Bulk selection on any page whose markup carries data-bulk-item checkboxes, an optional data-bulk-all checkbox,
// a data-bulk-count label and data-bulk-action buttons: keeps "select all", the count and the buttons in step.
// Pages that tick boxes from script call window.bulkSelect.refresh() afterwards (a change event does not fire).
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

  window.bulkSelect = { refresh: refresh };
  refresh();
})();
