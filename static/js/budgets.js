// Budget history chart: budget vs spent per month, from the json_script data the page also shows as a table.
(function () {
  "use strict";

  function draw() {
    var canvas = document.getElementById("budget-history-chart");
    var source = document.getElementById("budget-history-data");
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var toNumber = function (value) { return value === null ? null : Number(value); };
    var money = new Intl.NumberFormat(undefined, { style: "currency", currency: data.currency || "EUR" });
    // Axis labels in whole units, short ("€1.2K") on a narrow chart, so neighbouring labels never run together.
    var axis = new Intl.NumberFormat(undefined, { style: "currency", currency: data.currency || "EUR", maximumFractionDigits: 0,
                                                  notation: canvas.clientWidth < 480 ? "compact" : "standard" });
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Budget", data: data.budget.map(toNumber), backgroundColor: "#c7d2fe", borderColor: "#4f46e5", borderWidth: 1 },
          { label: "Spent", data: data.spent.map(toNumber), backgroundColor: "#4f46e5" }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } },
                  y: { beginAtZero: true, ticks: { callback: function (value) { return axis.format(value); } } } },
        plugins: {
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + money.format(ctx.parsed.y); } } }
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
