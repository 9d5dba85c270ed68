// Group expense form: show the inputs of the chosen split mode and who-paid option, and keep live hints
// ("left to assign", "percentages add up to") and each member's part, all computed in cents like the server.
(function () {
  "use strict";

  function toCents(text) {
    var value = String(text || "").trim().replace(",", ".");
    if (value === "" || isNaN(Number(value))) {
      return null;
    }
    return Math.round(Number(value) * 100);
  }

  function money(cents, currency) {
    var sign = cents < 0 ? "-" : "";
    var text = (Math.abs(cents) / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return currency + " " + sign + text;
  }

  // Largest remainder, ties in the given order: the same rule as groups/splits.py.
  function split(total, weights) {
    var sum = weights.reduce(function (a, b) { return a + b; }, 0);
    if (total <= 0 || sum <= 0) {
      return null;
    }
    var exact = weights.map(function (w) { return total * w / sum; });
    var parts = exact.map(function (x) { return Math.floor(x + 1e-9); });
    var leftover = total - parts.reduce(function (a, b) { return a + b; }, 0);
    var order = weights.map(function (_, i) { return i; });
    order.sort(function (a, b) { return (exact[b] - parts[b]) - (exact[a] - parts[a]) || a - b; });
    for (var i = 0; i < leftover && i < order.length; i++) {
      parts[order[i]] += 1;
    }
    return parts;
  }

  function setup(form) {
    var amountInput = form.querySelector("[data-expense-amount]");
    var currencySelect = form.querySelector("[data-expense-currency]");
    var rows = Array.prototype.slice.call(form.querySelectorAll("[data-member-row]"));
    var splitHint = form.querySelector("[data-split-hint]");
    var payersBox = form.querySelector("[data-payers-several]");
    var payersHint = form.querySelector("[data-payers-hint]");

    function checked(selector) {
      var input = form.querySelector(selector + ":checked");
      return input ? input.value : "";
    }

    function currency() {
      return currencySelect ? currencySelect.value : form.dataset.groupCurrency;
    }

    function value(row, attribute) {
      var input = row.querySelector("[" + attribute + "]");
      return input ? input.value : "";
    }

    function update() {
      var mode = checked("[data-split-mode]") || "equal";
      var paidBy = checked("[data-paid-by]") || "me";
      var total = toCents(amountInput && amountInput.value);
      var code = currency();
      form.querySelectorAll("[data-split-input]").forEach(function (element) {
        element.hidden = element.dataset.splitInput !== mode;
      });
      if (payersBox) {
        payersBox.hidden = paidBy !== "several";
      }

      var parts = null;
      var hint = "";
      if (mode === "equal") {
        var included = rows.map(function (row) { return row.querySelector("[data-share-in]").checked ? 1 : 0; });
        var count = included.reduce(function (a, b) { return a + b; }, 0);
        parts = total ? split(total, included) : null;
        hint = count ? count + (count === 1 ? " person pays it all" : " people share it equally") : "Choose who shares it.";
      } else if (mode === "exact") {
        parts = rows.map(function (row) { return toCents(value(row, "data-share-exact")) || 0; });
        var assigned = parts.reduce(function (a, b) { return a + b; }, 0);
        if (total === null) {
          hint = "Assigned " + money(assigned, code) + ".";
        } else if (assigned === total) {
          hint = "All " + money(total, code) + " assigned.";
        } else if (assigned < total) {
          hint = "Left to assign: " + money(total - assigned, code);
        } else {
          hint = "Assigned " + money(assigned - total, code) + " too much";
        }
      } else if (mode === "percent") {
        var percents = rows.map(function (row) { return Number(value(row, "data-share-percent")) || 0; });
        var sum = Math.round(percents.reduce(function (a, b) { return a + b; }, 0) * 10000) / 10000;
        parts = total && sum === 100 ? split(total, percents) : null;
        hint = sum === 100 ? "Percentages add up to 100%." : "Percentages add up to " + sum + "% (need 100%)";
      } else if (mode === "shares") {
        var weights = rows.map(function (row) { return Math.max(Number(value(row, "data-share-weight")) || 0, 0); });
        var shares = weights.reduce(function (a, b) { return a + b; }, 0);
        parts = total ? split(total, weights) : null;
        hint = shares ? shares + (shares === 1 ? " share" : " shares") + " in all" +
          (parts ? ": " + rows.map(function (row, i) { return row.dataset.memberName + " " + money(parts[i], code); }).join(", ") : "")
          : "Give at least one member a share.";
      }
      if (splitHint) {
        splitHint.textContent = hint;
      }
      rows.forEach(function (row, i) {
        var preview = row.querySelector("[data-preview]");
        if (preview) {
          preview.textContent = parts && parts[i] ? money(parts[i], code) : "";
        }
      });

      if (payersHint) {
        var paid = Array.prototype.reduce.call(form.querySelectorAll("[data-paid]"), function (sum, input) {
          return sum + (toCents(input.value) || 0);
        }, 0);
        if (total === null) {
          payersHint.textContent = "";
        } else if (paid === total) {
          payersHint.textContent = "All " + money(total, code) + " paid.";
        } else if (paid < total) {
          payersHint.textContent = "Left to assign: " + money(total - paid, code);
        } else {
          payersHint.textContent = "Paid " + money(paid - total, code) + " more than the total";
        }
      }
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  // Group dashboard: stacked bars per month, by member and by category (the same figures are in the tables).
  var COLOURS = ["#4f46e5", "#059669", "#d97706", "#e11d48", "#0891b2", "#7c3aed", "#65a30d", "#db2777", "#475569"];

  function drawCharts() {
    var source = document.getElementById("group-dashboard-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var format = function (value) {
      return data.currency + " " + Number(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    };
    // Axis labels in whole units, short ("EUR 1.2K") on a narrow chart, so neighbouring labels never run together.
    var axisFormat = function (canvas) {
      var options = canvas.clientWidth < 480 ? { notation: "compact", maximumFractionDigits: 1 } : { maximumFractionDigits: 0 };
      return function (value) { return data.currency + " " + Number(value).toLocaleString("en-US", options); };
    };
    [["group-members-chart", data.members], ["group-categories-chart", data.categories]].forEach(function (pair) {
      var canvas = document.getElementById(pair[0]);
      if (!canvas) {
        return;
      }
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: pair[1].map(function (series, i) {
            return { label: series.label, data: series.data.map(Number), backgroundColor: COLOURS[i % COLOURS.length] };
          })
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
                    y: { stacked: true, beginAtZero: true, ticks: { callback: axisFormat(canvas) } } },
          plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + format(ctx.parsed.y); } } } }
        }
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-expense-form]").forEach(setup);
    drawCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
