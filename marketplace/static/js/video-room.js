/*
 * The sandbox video room (marketplace/video): shows the visitor's own camera,
 * when the browser has one and the visitor allows it. Nothing is sent anywhere.
 */
(function () {
  "use strict";

  var video = document.getElementById("sandbox-camera");
  var status = document.getElementById("sandbox-camera-status");
  var denied = document.getElementById("sandbox-camera-denied");
  if (!video) {
    return;
  }

  function unavailable() {
    video.hidden = true;
    if (status) {
      status.hidden = true;
    }
    if (denied) {
      denied.hidden = false;
    }
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    unavailable();
    return;
  }
  navigator.mediaDevices
    .getUserMedia({ video: true, audio: false })
    .then(function (stream) {
      video.srcObject = stream;
      if (status) {
        status.hidden = true;
      }
    })
    .catch(unavailable);
})();
