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

  // A button with data-loading-text says so, and cannot be pressed twice, once
  // its form is on its way (as Oscar's ui.js does on its own pages). Later in
  // the event loop: a button disabled now would leave its name out of the form.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (event.defaultPrevented || !button || !button.hasAttribute("data-loading-text")) {
      return;
    }
    setTimeout(function () {
      button.textContent = button.getAttribute("data-loading-text");
      button.disabled = true;
    });
  });

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
