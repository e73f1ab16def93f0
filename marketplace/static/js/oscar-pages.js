/*
 * What Oscar's storefront templates run from their inline onbodyload block,
 * run from this file instead: the Content-Security-Policy of our pages
 * (marketplace/content_policy.py) allows no inline script. Loaded with jQuery and
 * oscar/ui.js, on the pages that need them (oscar/layout.html); the body's
 * data-view names the page (its URL's name).
 */
(function ($) {
  "use strict";

  function previewEmail() {
    // Oscar's email history: the HTML email in a frame of its own, so its styles stay there.
    var frame = document.getElementById("preview_box");
    if (!frame) {
      return;
    }
    var doc = frame.contentWindow.document;
    doc.open();
    doc.write($(frame).text());
    doc.close();
  }

  var pages = {
    "basket:summary": function (body) {
      oscar.basket.init({ basketURL: body.getAttribute("data-basket-url") });
    },
    "checkout:index": function () {
      oscar.checkout.gateway.init();
    },
    "catalogue:index": function () {
      oscar.search.init();
    },
    "catalogue:category": function () {
      oscar.search.init();
    },
    "customer:wishlists-list": function () {
      oscar.customer.wishlists.init();
    },
    "customer:notifications-inbox": function () {
      oscar.notifications.init();
    },
    "customer:notifications-archive": function () {
      oscar.notifications.init();
    },
    "customer:email-detail": previewEmail,
  };

  $(function () {
    oscar.init();
    var page = pages[document.body.getAttribute("data-view")];
    if (page) {
      page(document.body);
    }
  });
})(window.jQuery);
