/* Public portal: large-font mode (适老化, PUB-12). Loaded in <head> without defer so the
   stored setting applies before the first paint; the button is wired once the page loads. */
(function () {
  "use strict";
  var KEY = "edugov.portal.largeFont";
  var CLASS = "portal-large-font";
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (e) {
      return false;
    }
  }

  function apply(on) {
    root.classList.toggle(CLASS, on);
    var buttons = document.querySelectorAll("[data-portal-font-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    apply(stored());
    var buttons = document.querySelectorAll("[data-portal-font-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        var on = !root.classList.contains(CLASS);
        try {
          window.localStorage.setItem(KEY, on ? "1" : "0");
        } catch (e) {
          /* private mode: the setting lasts for this page only */
        }
        apply(on);
      });
    }
  });
})();
