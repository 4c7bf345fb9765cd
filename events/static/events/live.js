// The live expert Q&A: questions and answers arrive over /ws/e/<id>/ (rendered once on the
// server for everyone, in each language); a gap in the sequence or a reconnect that missed
// events reloads. A question that arrives live carries every control marked with whom it is
// for (data-for); this page keeps its reader's (the list's data-can-* flags, like a thread's
// page) and gives its forms the page's CSRF token, so a moderator can hide or order it and the
// expert can answer it without a reload. Hiding removes it from every open page; a new order
// or vote count moves it.
(function () {
  "use strict";
  var list = document.getElementById("event-questions");
  if (!list || !window.WebSocket) return;
  var seq = parseInt(list.getAttribute("data-seq") || "0", 10);
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  var url = scheme + location.host + list.getAttribute("data-event-socket");
  var delay = 1000;

  function flag(name) { return list.dataset[name] === "true"; }

  function decorate(el) {
    var me = document.body.dataset.user || "";
    var mine = !!me && el.dataset.author === me;
    return window.hearthKeepControls(el, {
      voter: flag("canVote") && !mine,
      answerer: flag("canAnswer"),
      moderator: flag("canModerate")
    });
  }

  // The server's order: a moderator's order first (lower first), then votes, then oldest.
  function rank(el) {
    var order = el.dataset.order;
    return [order === "" || order === undefined ? Infinity : parseInt(order, 10),
            -parseInt(el.dataset.voteCount || "0", 10), parseInt(el.dataset.question, 10)];
  }
  function before(a, b) {
    var x = rank(a), y = rank(b);
    for (var i = 0; i < x.length; i++) { if (x[i] !== y[i]) return x[i] < y[i]; }
    return false;
  }
  function place(el) {
    var items = list.querySelectorAll(".event-question");
    for (var i = 0; i < items.length; i++) {
      if (items[i] !== el && before(el, items[i])) {
        if (items[i].previousElementSibling !== el) list.insertBefore(el, items[i]);
        return;
      }
    }
    if (list.lastElementChild !== el) list.appendChild(el);
  }

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
    var lang = document.documentElement.lang;
    var holder = document.createElement("template");
    holder.innerHTML = ((event.translations && event.translations[lang]) || event.html).trim();
    var fresh = holder.content.firstElementChild;
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
      existing.dataset.order = fresh.dataset.order;
      existing.dataset.voteCount = fresh.dataset.voteCount;
      var orderInput = existing.querySelector("input[name=order]");
      if (orderInput && document.activeElement !== orderInput) {
        orderInput.value = fresh.dataset.order;
      }
      place(existing);
    } else {
      var empty = list.querySelector("[data-empty]");
      if (empty) empty.remove();
      decorate(fresh);
      list.appendChild(fresh);
      place(fresh);
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
