// Every page: dropdown menus and dismiss buttons. Pages carry no inline script or event handler
// (the Content-Security-Policy forbids them), so their small behaviours live here.
(function () {
  "use strict";

  // Close any open dropdown (<details data-menu>) on Escape or on a click outside it.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });

  // <button data-dismiss="selector">: removes its closest ancestor matching the selector (a message,
  // an offer, a new row's form).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-dismiss]");
    if (!button) return;
    var target = button.closest(button.getAttribute("data-dismiss"));
    if (target) target.remove();
  });
})();
