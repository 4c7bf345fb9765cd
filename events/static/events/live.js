// The live expert Q&A: questions and answers arrive over /ws/e/<id>/ (rendered once on the
// server for everyone); a gap in the sequence or a reconnect that missed events reloads.
(function () {
  "use strict";
  var list = document.getElementById("event-questions");
  if (!list || !window.WebSocket) return;
  var seq = parseInt(list.getAttribute("data-seq") || "0", 10);
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + location.host + list.getAttribute("data-event-socket");
  var delay = 1000;

  function apply(event) {
    if (event.type === "reload") { location.reload(); return; }
    if (event.seq && event.seq <= seq) return;
    if (event.seq) seq = event.seq;
    var existing = document.getElementById("q-" + event.question);
    if (event.type === "event.question.removed") {
      if (existing) existing.remove();
      return;
    }
    if (event.type !== "event.question") return;
    var holder = document.createElement("div");
    holder.innerHTML = event.html;
    var fresh = holder.firstElementChild;
    if (!fresh) return;
    if (existing) {
      // Keep this reader's own controls (vote, answer, moderation); replace what changed.
      var oldBody = existing.querySelector(".event-answer");
      var newAnswer = fresh.querySelector(".event-answer");
      var votes = existing.querySelector("[data-votes]");
      var freshVotes = fresh.querySelector("[data-votes]");
      if (votes && freshVotes) votes.textContent = freshVotes.textContent;
      if (newAnswer) {
        if (oldBody) oldBody.replaceWith(newAnswer);
        else existing.querySelector(".post-body").after(newAnswer);
        existing.classList.add("answered");
      }
    } else {
      var empty = list.querySelector("[data-empty]");
      if (empty) empty.remove();
      list.appendChild(fresh);
    }
  }

  function connect() {
    var socket = new WebSocket(url);
    socket.onopen = function () {
      delay = 1000;
      socket.send(JSON.stringify({type: "catchup", after: seq}));
    };
    socket.onmessage = function (message) {
      try { apply(JSON.parse(message.data)); } catch (e) { /* ignore a malformed event */ }
    };
    socket.onclose = function (event) {
      if (event.code === 4404 || event.code === 4403) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
