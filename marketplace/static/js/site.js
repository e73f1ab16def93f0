/*
 * The little script every page of ours needs; residents' pages load no
 * jQuery and no Bootstrap script (oscar/layout.html says which pages do).
 * Everything here is an enhancement: without it the pages work the same.
 */
(function () {
  "use strict";

  // Styles may tell a page that runs scripts from one that does not.
  document.documentElement.classList.replace("no-js", "js");

  if (window.jQuery) {
    return; // Oscar's own pages: Bootstrap's script closes their messages.
  }

  // Oscar's base.html wraps its onload calls in $(function () { … }); on
  // pages without jQuery that wrapper is all "$" has to understand.
  window.$ = function (ready) {
    if (typeof ready !== "function") {
      throw new Error("jQuery is not loaded on this page: see the scripts block of oscar/layout.html");
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", ready);
    } else {
      ready();
    }
  };

  // The × of a message (data-dismiss="alert") closes it, as Bootstrap's would.
  document.addEventListener("click", function (event) {
    var close = event.target.closest('[data-dismiss="alert"]');
    if (!close) {
      return;
    }
    var alert = close.closest(".alert");
    if (alert) {
      event.preventDefault();
      alert.remove();
    }
  });
})();
