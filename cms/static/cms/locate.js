// "Use my location": reload the page with the resident's position so it shows the nearest
// station (home page) or the nearest providers first (service page). Only offered where the browser can locate; the community list works without it.
(function () {
  "use strict";
  var box = document.querySelector("[data-locate]");
  if (!box || !("geolocation" in navigator)) {
    return;
  }
  var button = box.querySelector("button");
  var status = box.querySelector(".locate__status");
  var anchor = box.getAttribute("data-anchor") || "station";
  box.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = box.getAttribute("data-locating");
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var params = new URLSearchParams(window.location.search);
        params.set("lat", position.coords.latitude.toFixed(5));
        params.set("lng", position.coords.longitude.toFixed(5));
        window.location.assign(window.location.pathname + "?" + params.toString() + "#" + anchor);
      },
      function () {
        status.textContent = box.getAttribute("data-failed");
        button.disabled = false;
      },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
})();
