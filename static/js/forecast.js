// Forecast page: the total balance over the last 60 days and the forecast with its 80% band, from the
// #forecast-data JSON the page embeds. The same numbers are in the table under the chart.
(function () {
  "use strict";
  var source = document.getElementById("forecast-data");
  var canvas = document.getElementById("forecast-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  if (!data) return;

  var labels = [];
  var history = [];
  var forecast = [];
  var lower = [];
  var upper = [];
  data.history.forEach(function (p) {
    labels.push(p.date);
    history.push(Number(p.balance));
    forecast.push(null);
    lower.push(null);
    upper.push(null);
  });
  // The forecast line starts at today's balance so the two lines join.
  if (history.length) {
    var last = history.length - 1;
    forecast[last] = history[last];
    lower[last] = history[last];
    upper[last] = history[last];
  }
  data.forecast.forEach(function (p) {
    labels.push(p.date);
    history.push(null);
    forecast.push(Number(p.yhat));
    lower.push(Number(p.lower));
    upper.push(Number(p.upper));
  });

  var shortDate = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
  var money = new Intl.NumberFormat(undefined, { style: "currency", currency: data.currency });
  // On a narrow chart: fewer dates and short amounts ("€21K"), so neighbouring labels never run together.
  var narrow = canvas.clientWidth < 480;
  var axisMoney = new Intl.NumberFormat(undefined, { style: "currency", currency: data.currency,
                                                     maximumFractionDigits: 0,
                                                     notation: narrow ? "compact" : "standard" });
  new Chart(canvas, {
    type: "line",
    data: {
      labels: labels,
      datasets: [
        { label: "80% range (low)", data: lower, borderWidth: 0, pointRadius: 0, fill: false,
          backgroundColor: "rgba(99, 102, 241, 0.15)" },
        { label: "80% range", data: upper, borderWidth: 0, pointRadius: 0, fill: "-1",
          backgroundColor: "rgba(99, 102, 241, 0.15)" },
        { label: "Balance", data: history, borderColor: "#0f172a", borderWidth: 2, pointRadius: 0 },
        { label: "Forecast", data: forecast, borderColor: "#4f46e5", borderWidth: 2, borderDash: [6, 4],
          pointRadius: 0 }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { ticks: { maxTicksLimit: narrow ? 4 : 8, maxRotation: 0, autoSkipPadding: 12, callback: function (value) {
          return shortDate.format(new Date(this.getLabelForValue(value) + "T00:00:00"));
        } } },
        y: { ticks: { callback: function (value) { return axisMoney.format(value); } } }
      },
      plugins: {
        legend: { labels: { boxWidth: 24, filter: function (item) { return item.text !== "80% range (low)"; } } },
        tooltip: { callbacks: { label: function (ctx) {
          return ctx.parsed.y === null ? null : ctx.dataset.label + ": " + money.format(ctx.parsed.y);
        } } }
      }
    }
  });
})();
