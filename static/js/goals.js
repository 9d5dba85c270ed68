// Goal form: the target amount only for a goal that is not an emergency fund, the months of essentials only for
// an emergency fund. Without JavaScript both stay visible and the server ignores the one that does not apply.
(function () {
  "use strict";

  function update(form) {
    var select = form.querySelector("[data-goal-kind]");
    if (!select) return;
    var emergency = select.value === "emergency";
    form.querySelectorAll('[data-goal-field="target_amount"]').forEach(function (el) { el.hidden = emergency; });
    form.querySelectorAll('[data-goal-field="emergency_months"], [data-goal-field="emergency_note"]')
      .forEach(function (el) { el.hidden = !emergency; });
  }

  document.querySelectorAll("[data-goal-form]").forEach(function (form) {
    update(form);
    form.addEventListener("change", function (event) {
      if (event.target.matches("[data-goal-kind]")) update(form);
    });
  });
})();
