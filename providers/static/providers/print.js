/*
 * The "Print" button of a printable console page: shown only where this script
 * runs (without it, the browser's own print command does the same).
 */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
