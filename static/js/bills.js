// Bill form: show "Every N" only for every-N-weeks/days and "Day of the month" only for monthly, quarterly
// and yearly bills. Without JavaScript both stay visible and the server ignores the one that does not apply.
(function () {
  "use strict";
  var INTERVAL = ["every_n_weeks", "every_n_days"];
  var DAY = ["monthly", "quarterly", "yearly"];

  function update(form) {
    var select = form.querySelector("[data-bill-frequency]");
    if (!select) return;
    var frequency = select.value;
    var interval = form.querySelector('[data-bill-field="interval"]');
    var day = form.querySelector('[data-bill-field="day_of_month"]');
    if (interval) interval.hidden = INTERVAL.indexOf(frequency) === -1;
    if (day) day.hidden = DAY.indexOf(frequency) === -1;
  }

  document.querySelectorAll("[data-bill-form]").forEach(function (form) {
    update(form);
    form.addEventListener("change", function (event) {
      if (event.target.matches("[data-bill-frequency]")) update(form);
    });
  });
})();
