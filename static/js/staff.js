// The staff pages' charts: each canvas names the json_script of its figures, which the table below it also shows.
(function () {
  "use strict";

  var COLOURS = ["#4f46e5", "#e11d48", "#059669", "#d97706", "#0284c7", "#94a3b8", "#7c3aed"];
  // Named colours a series may ask for: what went well, what failed, what waits.
  var NAMED = { indigo: "#4f46e5", good: "#059669", bad: "#e11d48", warn: "#d97706", sky: "#0284c7",
                waiting: "#94a3b8", dark: "#9f1239" };
  var LEVEL_TICKS = { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 };

  function chart(canvas, data) {
    var horizontal = data.type === "hbar";
    var valueAxis = horizontal ? "x" : "y";
    var categoryAxis = horizontal ? "y" : "x";
    var datasets = data.series.map(function (series, index) {
      var colour = NAMED[series.colour] || COLOURS[index % COLOURS.length];
      var line = series.kind === "line" || data.type === "line";
      return {
        type: line ? "line" : "bar", label: series.label, data: series.values,
        backgroundColor: colour, borderColor: colour, pointRadius: line && data.labels.length > 40 ? 0 : 2,
        tension: 0.2, spanGaps: true, order: line ? 0 : 1
      };
    });
    var scales = {};
    scales[categoryAxis] = { stacked: data.stacked, ticks: LEVEL_TICKS };
    scales[valueAxis] = {
      stacked: data.stacked, beginAtZero: true,
      ticks: { precision: 0, callback: function (value) { return data.percent ? value + "%" : value; } }
    };
    if (data.percent) {
      scales[valueAxis].max = 100;
    }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "index", intersect: false }, scales: scales,
        plugins: { legend: { display: datasets.length > 1 } }
      }
    });
  }

  function draw() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    document.querySelectorAll("canvas[data-staff-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-staff-chart"));
      if (source) {
        chart(canvas, JSON.parse(source.textContent));
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
