// The review page: move between rows with j/k or the arrow keys, "a" accepts the focused row, "c" (or Enter) opens
// its category type-ahead, where Enter saves and Escape cancels; "x" ticks the row for "Accept selected".
// htmx does the requests and swaps; this only keeps focus and the selection count in step.
(function () {
  "use strict";

  var pendingFocus = null;

  function rows() {
    return Array.from(document.querySelectorAll("tr[data-review-row]"));
  }

  function focusRow(index) {
    var all = rows();
    if (!all.length) return;
    var row = all[Math.max(0, Math.min(index, all.length - 1))];
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function currentIndex() {
    var row = document.activeElement && document.activeElement.closest("tr[data-review-row]");
    return row ? rows().indexOf(row) : -1;
  }

  function typing(target) {
    return target.matches("input:not([type=checkbox]), textarea, select, [contenteditable]");
  }

  function refreshSelection() {
    var boxes = Array.from(document.querySelectorAll("input[data-bulk-item]"));
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

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.matches("input[data-correct]")) {
      if (event.key === "Escape") {
        event.preventDefault();
        target.value = "";
        target.closest("tr[data-review-row]").focus();
      } else if (event.key === "Enter") {
        pendingFocus = currentIndex();
      }
      return;
    }
    if (typing(target)) return;
    var index = currentIndex();
    var row = index >= 0 ? rows()[index] : null;
    switch (event.key) {
      case "j":
      case "ArrowDown":
        event.preventDefault();
        focusRow(index + 1);
        break;
      case "k":
      case "ArrowUp":
        event.preventDefault();
        focusRow(index < 0 ? 0 : index - 1);
        break;
      case "a":
        if (!row) return;
        var accept = row.querySelector("[data-accept]");
        if (accept) {
          event.preventDefault();
          pendingFocus = index;
          accept.click();
        }
        break;
      case "c":
      case "Enter":
        if (!row || target !== row) return;
        event.preventDefault();
        row.querySelector("input[data-correct]").focus();
        break;
      case "x":
        if (!row) return;
        event.preventDefault();
        var box = row.querySelector("input[data-bulk-item]");
        box.checked = !box.checked;
        refreshSelection();
        break;
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-accept]")) pendingFocus = currentIndex();
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("input[data-bulk-all]")) {
      document.querySelectorAll("input[data-bulk-item]").forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches("input[data-bulk-all], input[data-bulk-item]")) refreshSelection();
  });

  document.addEventListener("htmx:afterSettle", function () {
    refreshSelection();
    if (!rows().length) {
      window.location.reload();  // the page is done: show the next page, or "Nothing to review"
      return;
    }
    var refused = document.querySelector("input[data-correct][aria-invalid]");
    if (refused) refused.focus();
    else if (pendingFocus !== null && pendingFocus >= 0) focusRow(pendingFocus);
    pendingFocus = null;
  });

  document.addEventListener("DOMContentLoaded", function () {
    refreshSelection();
    focusRow(0);
  });
})();
