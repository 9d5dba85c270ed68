// Spending and savings charts, drawn from the json_script data each page also shows as tables.
(function () {
  "use strict";

  var INDIGO = "#4f46e5", INDIGO_LIGHT = "#c7d2fe", ROSE = "#e11d48", EMERALD = "#059669", AMBER = "#d97706";

  function numbers(values) {
    return values.map(function (value) { return value === null ? null : Number(value); });
  }

  function formatter(currency) {
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "EUR" });
    } catch (error) {
      return new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
  }

  // Axis labels in whole units, and short ("€12K") on a narrow chart, so neighbouring labels never run together.
  function axisFormatter(currency, canvas) {
    var options = { style: "currency", currency: currency || "EUR", maximumFractionDigits: 0 };
    if (canvas.clientWidth < 480) {
      options.notation = "compact";
    }
    try {
      return new Intl.NumberFormat(undefined, options);
    } catch (error) {
      return new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
    }
  }

  // Labels stay level and Chart.js drops the ones that would touch; a phone then shows every other month.
  var LEVEL_TICKS = { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 };

  function ticks(extra) {
    return Object.assign({}, LEVEL_TICKS, extra);
  }

  function moneyTooltip(money, axis) {
    return { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + money.format(ctx.parsed[axis]); } } };
  }

  function spending(data) {
    var money = formatter(data.currency);
    var categories = document.getElementById("spending-categories-chart");
    if (categories) {
      var categoryAxis = axisFormatter(data.currency, categories);
      new window.Chart(categories, {
        type: "bar",
        data: { labels: data.categories.labels,
                datasets: [{ label: "Spent", data: numbers(data.categories.values), backgroundColor: INDIGO }] },
        options: {
          indexAxis: "y", responsive: true, maintainAspectRatio: false,
          scales: { x: { beginAtZero: true, ticks: ticks({ callback: function (value) { return categoryAxis.format(value); } }) } },
          plugins: { legend: { display: false }, tooltip: moneyTooltip(money, "x") }
        }
      });
    }
    var weekdays = document.getElementById("spending-weekdays-chart");
    if (weekdays) {
      var weekdayAxis = axisFormatter(data.currency, weekdays);
      new window.Chart(weekdays, {
        type: "bar",
        data: { labels: data.weekdays.labels.map(function (name) { return name.slice(0, 3); }),
                datasets: [{ label: "Average a day", data: numbers(data.weekdays.averages), backgroundColor: INDIGO }] },
        options: {
          responsive: true, maintainAspectRatio: false,
          scales: { x: { ticks: ticks({}) },
                    y: { beginAtZero: true, ticks: { callback: function (value) { return weekdayAxis.format(value); } } } },
          plugins: { legend: { display: false }, tooltip: moneyTooltip(money, "y") }
        }
      });
    }
  }

  function savings(data) {
    var money = formatter(data.currency);
    var canvas = document.getElementById("savings-chart");
    if (!canvas) {
      return;
    }
    var axis = axisFormatter(data.currency, canvas);
    new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: "Income", data: numbers(data.income), backgroundColor: INDIGO_LIGHT, yAxisID: "y" },
          { type: "bar", label: "Spending", data: numbers(data.spending), backgroundColor: AMBER, yAxisID: "y" },
          { type: "bar", label: "Saved", data: numbers(data.savings), backgroundColor: INDIGO, yAxisID: "y" },
          { type: "line", label: "Savings rate", data: numbers(data.rate), borderColor: EMERALD, backgroundColor: EMERALD,
            yAxisID: "rate", tension: 0.2, spanGaps: true },
          { type: "line", label: "Target rate", data: numbers(data.target), borderColor: ROSE, borderDash: [6, 4],
            pointRadius: 0, yAxisID: "rate" }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: ticks({}) },
          y: { ticks: { callback: function (value) { return axis.format(value); } } },
          rate: { position: "right", grid: { drawOnChartArea: false },
                  ticks: { callback: function (value) { return value + "%"; } } }
        },
        plugins: {
          tooltip: { callbacks: { label: function (ctx) {
            return ctx.dataset.yAxisID === "rate" ? ctx.dataset.label + ": " + ctx.parsed.y + "%"
              : ctx.dataset.label + ": " + money.format(ctx.parsed.y);
          } } }
        }
      }
    });
  }

  function draw() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    var spendingData = document.getElementById("spending-data");
    if (spendingData) {
      spending(JSON.parse(spendingData.textContent));
    }
    var savingsData = document.getElementById("savings-data");
    if (savingsData) {
      savings(JSON.parse(savingsData.textContent));
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
