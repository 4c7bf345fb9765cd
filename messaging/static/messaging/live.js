// Messages and requests to the hospital, live through the member's own socket (/ws/me/):
// the header's Messages count, the list of conversations (/messages/) and new messages on an
// open conversation (fetched from the page's "after" address, which is also how a
// reconnecting page catches up), and a request's page or the team's inbox refreshed when it
// changes.
(function () {
  "use strict";
  if (!("WebSocket" in window) || !document.body.dataset.user) { return; }
  var badge = document.querySelector("[data-messages-unread]");
  var thread = document.querySelector("[data-conversation]");
  var askRegion = document.querySelector("[data-ask-live]");
  var listRegion = document.querySelector("[data-messages-live]");
  var delay = 1000;
  var fetching = false, again = false;

  function showUnread(n) {
    if (!badge) { return; }
    var label = badge.querySelector(".visually-hidden");
    badge.firstChild.nodeValue = " " + n;
    if (label) { badge.appendChild(label); }
    badge.hidden = !n;
  }

  function fetchNew() {
    if (!thread) { return; }
    if (fetching) { again = true; return; }
    fetching = true;
    var url = thread.dataset.afterUrl.replace(/\/0\/$/, "/" + (thread.dataset.last || 0) + "/");
    fetch(url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (html.trim()) {
          var box = document.createElement("ol");
          box.innerHTML = html;
          Array.prototype.slice.call(box.children).forEach(function (item) {
            if (!document.getElementById(item.id)) { thread.appendChild(item); }
            thread.dataset.last = item.dataset.message;
          });
        }
      })
      .finally(function () {
        fetching = false;
        if (again) { again = false; fetchNew(); }
      });
  }

  function refreshAsk() { refreshRegion("[data-live-region]"); }

  function refreshRegion(selector) {
    fetch(location.href, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector(selector);
        var current = document.querySelector(selector);
        var active = document.activeElement;
        var inside = active && current && current.contains(active);
        var typing = inside && active.value;
        // a keyboard user's place in the list is kept: the same link is focused again
        var focusedHref = inside && active.getAttribute("href");
        if (fresh && current && !typing) {
          current.innerHTML = fresh.innerHTML;
          if (window.htmx) { window.htmx.process(current); }
          var again = focusedHref && current.querySelector('a[href="' + focusedHref + '"]');
          if (again) { again.focus(); }
        }
      });
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/me/");
    socket.onopen = function () { delay = 1000; fetchNew(); };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (!event) { return; }
      if (typeof event.unread === "number" && (event.type === "messages" || event.type === "message.new")) {
        showUnread(event.unread);
      }
      if (event.type === "message.new" && thread && String(event.conversation) === thread.dataset.conversation) {
        fetchNew();
      }
      if (listRegion && (event.type === "message.new" || event.type === "messages")) {
        refreshRegion("[data-messages-live]");
      }
      if (event.type === "ask.changed" && askRegion &&
          (askRegion.dataset.askLive === "inbox" || askRegion.dataset.askLive === String(event.request))) {
        refreshAsk();
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) { return; }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.target && event.target.id === "message-form") { fetchNew(); }
  });
  connect();
})();
