// The review page: move between rows with j/k or the arrow keys, "a" accepts the focused row, "c" (or Enter) opens
// its category type-ahead, where Enter saves and Escape cancels; "x" ticks the row for "Accept selected".
// htmx does the requests and swaps; this only keeps focus in step (bulk_select.js keeps the selection count).
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
        window.bulkSelect.refresh();
        break;
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-accept]")) pendingFocus = currentIndex();
  });

  // bulk_select.js, loaded first, has already refreshed the selection count for the swapped rows.
  document.addEventListener("htmx:afterSettle", function () {
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
    focusRow(0);
  });
})();
