// Hearth's live thread: a small WebSocket client with back-off and catch-up by sequence number.
// Everything works without it (a reload shows the same); this only saves the reload.
(function () {
  "use strict";
  var thread = document.getElementById("thread");
  var status = document.getElementById("live-status");
  function announce(text) { if (status) { status.textContent = text; } }
  // Words come from the page (data-*-text attributes), in the reader's language.
  function words(name, fallback, values) {
    var text = (thread && thread.dataset[name]) || fallback;
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  if (!thread || !("WebSocket" in window)) { return; }
  var threadId = thread.dataset.thread;
  var lastSeq = parseInt(thread.dataset.seq || "0", 10);
  var onLastPage = thread.dataset.lastPage === "true";
  var posts = document.getElementById("posts");
  var typing = document.getElementById("typing");
  var bar = document.getElementById("live-bar");
  var connection = document.getElementById("connection");
  var pending = 0, delay = 1000, socket = null, typingTimer = null, lastTypingSent = 0;

  function htmlOf(event) {
    var lang = document.documentElement.lang;
    return (event.translations && event.translations[lang]) || event.html;
  }

  function fromHTML(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function apply(event) {
    if (typeof event.seq === "number") {
      if (event.seq <= lastSeq) { return; }
      lastSeq = event.seq;
    }
    var existing = event.post ? document.getElementById("post-" + event.post) : null;
    switch (event.type) {
      case "post.created":
        if (existing) { existing.replaceWith(fromHTML(htmlOf(event))); break; }
        if (onLastPage) {
          posts.appendChild(fromHTML(htmlOf(event)));
          announce(thread.dataset.newReplyText || "New reply");
        } else {
          pending += 1;
          bar.hidden = false;
          bar.innerHTML = "";
          var link = document.createElement("a");
          link.href = "?page=last";
          link.textContent = words("pendingText", "New replies: {count}", {count: pending});
          bar.appendChild(link);
        }
        break;
      case "post.edited":
        if (existing) { existing.replaceWith(fromHTML(htmlOf(event))); break; }
        // It was taken away while its new words were checked: put it back in its place.
        var fresh = fromHTML(htmlOf(event));
        var position = parseInt(fresh.dataset.position || "0", 10);
        var after = Array.prototype.find.call(posts.querySelectorAll("article[data-position]"),
          function (el) { return parseInt(el.dataset.position, 10) > position; });
        var first = posts.querySelector("article[data-position]");
        var firstPosition = first ? parseInt(first.dataset.position, 10) : 0;
        if (after) { posts.insertBefore(fresh, after); }
        else if (onLastPage && position > firstPosition) { posts.appendChild(fresh); }
        break;
      case "post.removed":
        if (existing) { existing.remove(); announce(words("removedText", "A post was removed.")); }
        break;
      case "post.reactions":
        if (existing) {
          Object.keys(event.counts).forEach(function (kind) {
            var el = existing.querySelector('[data-count="' + kind + '"]');
            if (el) { el.textContent = event.counts[kind]; }
          });
        }
        break;
      case "thread.state":
        ["pinned", "locked"].forEach(function (key) {
          var el = document.querySelector('[data-state="' + key + '"]');
          if (el) { el.hidden = !event[key]; }
        });
        var accepted = document.getElementById("accepted-note");
        if (accepted) {
          accepted.hidden = !event.accepted;
          if (event.accepted) { accepted.querySelector("a").href = "/p/" + event.accepted + "/"; }
        }
        var form = document.getElementById("reply-form");
        if (event.locked && form) {
          var note = document.createElement("p");
          note.className = "notice";
          note.textContent = thread.dataset.lockedText || "This discussion is locked.";
          form.replaceWith(note);
          announce(note.textContent);
        }
        break;
      case "post.held":
        if (existing) {
          existing.classList.add("pending");
        } else {
          announce(thread.dataset.heldText || "A post is awaiting review.");
        }
        break;
      case "presence":
        var presence = document.getElementById("presence");
        if (presence) {
          presence.hidden = event.count < 2;
          presence.textContent = words("presenceText", "{count} reading now",
            {count: event.count});
        }
        break;
      case "typing":
        if (typing) {
          typing.textContent = words("typingText", "{name} is replying…",
            {name: event.name || words("someoneText", "Someone")});
          clearTimeout(typingTimer);
          typingTimer = setTimeout(function () { typing.textContent = ""; }, 5000);
        }
        break;
      case "reload":
        bar.hidden = false;
        bar.innerHTML = "";
        var reload = document.createElement("a");
        reload.href = "";
        reload.textContent = words("reloadText", "Reload to see the latest posts");
        bar.appendChild(reload);
        break;
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/t/" + threadId + "/");
    socket.onopen = function () {
      delay = 1000;
      if (connection) { connection.hidden = true; }
      socket.send(JSON.stringify({ type: "catchup", after: lastSeq }));
      document.body.classList.remove("live-offline");
    };
    socket.onmessage = function (message) {
      try { apply(JSON.parse(message.data)); } catch (e) { /* ignore a malformed event */ }
    };
    socket.onclose = function (event) {
      if (event.code === 4404 || event.code === 4403) { return; }
      if (connection) {
        connection.hidden = false;
        connection.textContent = thread.dataset.offlineText || "Live updates paused: reconnecting…";
      }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  var body = document.querySelector("#reply-form textarea");
  document.addEventListener("input", function (event) {
    if (!event.target.closest || !event.target.closest("#reply-form")) { return; }
    var now = Date.now();
    if (socket && socket.readyState === 1 && now - lastTypingSent > 3000) {
      lastTypingSent = now;
      socket.send(JSON.stringify({ type: "typing" }));
    }
  });
  void body;
  connect();
})();

// A reply posted in place: say so (the focus stays on the button, which keeps its id); if the
// swap left the focus nowhere, put it back in the reply box.
document.addEventListener("htmx:afterSettle", function (event) {
  var form = document.getElementById("reply-form");
  if (!form || (event.target !== form && event.detail.elt !== form)) { return; }
  var thread = document.getElementById("thread");
  var status = document.getElementById("live-status");
  if (!form.querySelector(".errors") && status && thread && thread.dataset.postedText) {
    status.textContent = thread.dataset.postedText;
  }
  if (!document.activeElement || document.activeElement === document.body) {
    var field = form.querySelector(".has-error textarea, .has-error input, textarea");
    if (field) { field.focus(); }
  }
});

// After an htmx swap (a reply posted in place), the live socket may already have added the
// same post: keep one copy of each.
document.addEventListener("htmx:afterSettle", function () {
  var seen = {};
  document.querySelectorAll("#posts > article[id]").forEach(function (el) {
    if (seen[el.id]) { el.remove(); } else { seen[el.id] = true; }
  });
});
document.addEventListener("htmx:oobBeforeSwap", function (event) {
  var fragment = event.detail.fragment;
  var article = fragment && fragment.querySelector ? fragment.querySelector("article[id]") : null;
  if (article && document.getElementById(article.id)) { event.detail.shouldSwap = false; }
});

// @mention autocomplete in the composer: type "@ma", choose with the arrow keys and Enter.
(function () {
  "use strict";
  var list = null, active = -1, field = null, start = -1, timer = null;

  function close() {
    if (list) { list.remove(); list = null; }
    if (field) { field.removeAttribute("aria-activedescendant"); }
    active = -1;
  }
  function choose(name) {
    var value = field.value, caret = field.selectionStart;
    field.value = value.slice(0, start) + "@" + name + " " + value.slice(caret);
    var pos = start + name.length + 2;
    field.setSelectionRange(pos, pos);
    close();
    field.focus();
  }
  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    options.forEach(function (el, i) { el.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (options[index]) { field.setAttribute("aria-activedescendant", options[index].id); }
  }
  function show(names) {
    close();
    if (!names.length) { return; }
    list = document.createElement("ul");
    list.setAttribute("role", "listbox");
    list.id = "mention-list";
    list.className = "mentions";
    names.forEach(function (name, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "mention-" + i;
      li.textContent = "@" + name;
      li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(name); });
      list.appendChild(li);
    });
    field.setAttribute("aria-controls", "mention-list");
    field.insertAdjacentElement("afterend", list);
    highlight(0);
  }
  document.addEventListener("input", function (event) {
    var target = event.target, form = target.closest && target.closest("form[data-mentions]");
    if (!form || target.tagName !== "TEXTAREA") { return; }
    field = target;
    var before = target.value.slice(0, target.selectionStart);
    var match = /(^|\s)@([\w.-]{1,40})$/.exec(before);
    clearTimeout(timer);
    if (!match) { close(); return; }
    start = before.length - match[2].length - 1;
    timer = setTimeout(function () {
      fetch(form.dataset.mentions + "?q=" + encodeURIComponent(match[2]), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {members: []}; })
        .then(function (data) { show(data.members || []); })
        .catch(close);
    }, 200);
  });
  document.addEventListener("keydown", function (event) {
    if (!list || event.target !== field) { return; }
    var count = list.children.length;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % count); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + count) % count); }
    else if (event.key === "Enter" || event.key === "Tab") {
      if (active >= 0) { event.preventDefault(); choose(list.children[active].textContent.slice(1)); }
    } else if (event.key === "Escape") { close(); }
  });
})();
