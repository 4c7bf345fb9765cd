// The header bell: the unread count comes live through the member's own socket (/ws/me/).
(function () {
  "use strict";
  var badge = document.querySelector("[data-notifications-unread]");
  if (!badge || !("WebSocket" in window) || !document.body.dataset.user) { return; }
  var delay = 1000;
  function show(n) {
    var label = badge.querySelector(".visually-hidden");
    badge.firstChild.nodeValue = " " + n;
    if (label) { badge.appendChild(label); }
    badge.hidden = !n;
  }
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/me/");
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event && event.type === "notifications" && typeof event.unread === "number") {
        show(event.unread);
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) { return; }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
