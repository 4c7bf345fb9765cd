// A post that arrived over the socket was rendered once for every reader (DESIGN rule 4): each
// control carries whom it is for (data-for); keep this reader's, drop the others, and give its
// forms this page's CSRF token, so that it works exactly like a post rendered with the page.
window.hearthDecoratePost = function (el) {
  "use strict";
  if (!el) { return el; }
  var thread = document.getElementById("thread");
  var flag = function (name) { return !!thread && thread.dataset[name] === "true"; };
  var me = document.body.dataset.user || "";
  var mine = !!me && el.dataset.author === me;
  var standing = !thread || thread.dataset.goodStanding !== "false";  // may write
  return window.hearthKeepControls(el, {
    visitor: !me,
    member: !!me,
    author: mine && standing,
    "other-member": !!me && !mine,
    editor: (mine && standing) || flag("canModerate"),
    accepter: flag("canAccept") && !mine,  // nobody accepts their own reply
    replier: flag("canReply") && !!document.getElementById("reply-form"),
    moderator: flag("canModerate")
  });
};

// Keep the controls of an element rendered for every reader that are for this one (`allowed`:
// data-for value -> true), drop the others, and give its forms this page's CSRF token. The
// thread's posts and an expert Q&A's questions (events/live.js) use it.
window.hearthKeepControls = function (el, allowed) {
  "use strict";
  el.querySelectorAll("[data-for]").forEach(function (node) {
    if (allowed[node.dataset.for]) {
      node.removeAttribute("data-for");
      node.hidden = false;
    } else {
      node.remove();
    }
  });
  var token = window.hearthCsrfToken();
  el.querySelectorAll('form[method="post"]').forEach(function (form) {
    if (token && !form.querySelector("input[name=csrfmiddlewaretoken]")) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "csrfmiddlewaretoken";
      input.value = token;
      form.prepend(input);
    }
  });
  return el;
};

window.hearthCsrfToken = function () {
  "use strict";
  try {
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    if (headers["X-CSRFToken"]) { return headers["X-CSRFToken"]; }
  } catch (e) { /* fall back to a form's token */ }
  var input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
};

// A signed-in member's thread page may be the copy shared by every member of their reader class
// (community/fragments_page.py): its posts are rendered as for every reader, like a live post.
// Keep this member's controls and show their own reactions and bookmarks (the page's
// #hearth-viewer blob). The server checks every action whatever the page shows.
(function () {
  "use strict";
  var thread = document.getElementById("thread");
  var blob = document.getElementById("hearth-viewer");
  if (!thread || thread.dataset.shared !== "true" || !blob) { return; }
  var mine = {};
  try { mine = JSON.parse(blob.textContent); } catch (e) { mine = {}; }
  var reactions = mine.reactions || {};
  var bookmarks = {};
  (mine.bookmarks || []).forEach(function (id) { bookmarks[String(id)] = true; });
  document.querySelectorAll("#posts article[data-post]").forEach(function (post) {
    window.hearthDecoratePost(post);
    var id = post.dataset.post;
    (reactions[id] || []).forEach(function (kind) {
      var button = document.getElementById("react-" + id + "-" + kind);
      if (button) { button.setAttribute("aria-pressed", "true"); }
    });
    var mark = post.querySelector("button[data-bookmark]");
    if (mark && bookmarks[id]) {
      mark.setAttribute("aria-pressed", "true");
      mark.textContent = thread.dataset.bookmarkedText || mark.textContent;
    }
  });
})();

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
    return window.hearthDecoratePost(template.content.firstElementChild);
  }

  function placed(el) {
    if (window.htmx && el && el.isConnected) { window.htmx.process(el); }
    return el;
  }

  // A post this page already shows (rendered for this reader, with their controls and their
  // reactions) got new words or passed screening: take its body, state and notices from the
  // event and keep the rest.
  function refresh(existing, fresh) {
    ["pending", "clinician-answer"].forEach(function (name) {
      existing.classList.toggle(name, fresh.classList.contains(name));
    });
    existing.querySelectorAll(":scope > p.notice").forEach(function (el) { el.remove(); });
    var body = existing.querySelector(".post-body");
    fresh.querySelectorAll(":scope > p.notice").forEach(function (el) {
      existing.insertBefore(el, body);
    });
    body.replaceWith(fresh.querySelector(".post-body"));
    var meta = existing.querySelector(".post-head .meta");
    var freshMeta = fresh.querySelector(".post-head .meta");
    if (meta && freshMeta) { meta.replaceWith(freshMeta); }
  }

  function apply(event) {
    if (typeof event.seq === "number") {
      if (event.seq <= lastSeq) { return; }
      lastSeq = event.seq;
    }
    var existing = event.post ? document.getElementById("post-" + event.post) : null;
    switch (event.type) {
      case "post.created":
        if (existing) { refresh(existing, fromHTML(htmlOf(event))); break; }
        if (onLastPage) {
          placed(posts.appendChild(fromHTML(htmlOf(event))));
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
        if (existing) { refresh(existing, fromHTML(htmlOf(event))); break; }
        // It was taken away while its new words were checked: put it back in its place.
        var fresh = fromHTML(htmlOf(event));
        var position = parseInt(fresh.dataset.position || "0", 10);
        var after = Array.prototype.find.call(posts.querySelectorAll("article[data-position]"),
          function (el) { return parseInt(el.dataset.position, 10) > position; });
        var first = posts.querySelector("article[data-position]");
        var firstPosition = first ? parseInt(first.dataset.position, 10) : 0;
        if (after) { placed(posts.insertBefore(fresh, after)); }
        else if (onLastPage && position > firstPosition) { placed(posts.appendChild(fresh)); }
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

// The composer (reply box and new-thread form).
// - The before-posting check only fills its own notice region (hx-target="this"); the text,
//   the caret and the buttons are never replaced by it.
// - A refused post (400 duplicate or too long, 403 locked, 429 too fast) comes back as the
//   form with its reason and the text kept: htmx swaps those answers in like a success.
// - The unfinished text is kept on the server for the member (never in the browser's storage:
//   patients use shared computers), saved while typing pauses and when the page is left,
//   deleted once posted or discarded.
(function () {
  "use strict";
  var SAVE_AFTER = 1000;
  var state = new WeakMap();

  function composerOf(el) {
    return el && el.closest ? el.closest("form.composer[data-draft-url]") : null;
  }
  function stateOf(form) {
    var s = state.get(form);
    if (!s) {
      s = {timer: null, dirty: false, sending: false};
      state.set(form, s);
    }
    return s;
  }
  function field(form, name) {
    var el = form.querySelector("[name=" + name + "]");
    return el ? el.value : "";
  }
  function draftData(form) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", window.hearthCsrfToken());
    data.append("body", field(form, "body"));
    if (form.querySelector("[name=title]")) { data.append("title", field(form, "title")); }
    return data;
  }
  function say(form, text) {
    var el = form.querySelector("[data-draft-status]");
    if (el) { el.textContent = text; }
  }
  function showDiscard(form, shown) {
    var button = form.querySelector("[data-discard-draft]");
    if (button) { button.hidden = !shown; }
  }
  function post(form, data) {
    return fetch(form.dataset.draftUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-CSRFToken": window.hearthCsrfToken(), "X-Hearth-Composer": "1"}
    });
  }
  function save(form) {
    var s = stateOf(form);
    clearTimeout(s.timer);
    if (!s.dirty || s.sending || !form.isConnected) { return; }
    s.dirty = false;
    var empty = !field(form, "body").trim() && !field(form, "title").trim();
    post(form, draftData(form)).then(function (response) {
      if (response.status === 204) {
        say(form, empty ? "" : form.dataset.draftSavedText || "Draft saved.");
        showDiscard(form, !empty);
      } else {
        s.dirty = true;  // try again at the next pause
      }
    }).catch(function () { s.dirty = true; });
  }

  document.addEventListener("input", function (event) {
    var form = composerOf(event.target);
    if (!form || !event.target.name || event.target.name === "csrfmiddlewaretoken") { return; }
    var s = stateOf(form);
    s.dirty = true;
    clearTimeout(s.timer);
    s.timer = setTimeout(function () { save(form); }, SAVE_AFTER);
  });

  // Posting: the server deletes the draft with the post; nothing more to save from this text.
  document.addEventListener("submit", function (event) {
    var form = composerOf(event.target);
    if (!form) { return; }
    var s = stateOf(form);
    clearTimeout(s.timer);
    s.dirty = false;
    s.sending = true;
  }, true);
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = composerOf(event.detail.elt);
    if (form && event.detail.elt === form) { stateOf(form).sending = false; }
  });

  // Leaving the page (a link, a reload, closing the tab) with words not yet saved.
  function flush() {
    document.querySelectorAll("form.composer[data-draft-url]").forEach(function (form) {
      var s = stateOf(form);
      if (!s.dirty || s.sending) { return; }
      s.dirty = false;
      clearTimeout(s.timer);
      if (navigator.sendBeacon) {
        navigator.sendBeacon(form.dataset.draftUrl, draftData(form));
      } else {
        post(form, draftData(form));
      }
    });
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });

  // "Discard draft": throw the kept text away, here and on the server.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-discard-draft]");
    var form = composerOf(button);
    if (!button || !form) { return; }
    event.preventDefault();
    var s = stateOf(form);
    clearTimeout(s.timer);
    s.dirty = false;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", window.hearthCsrfToken());
    data.append("discard", "1");
    post(form, data).then(function (response) {
      if (response.status !== 204) { return; }
      form.querySelectorAll("textarea[name=body], input[name=title]").forEach(function (el) {
        el.value = "";
      });
      var check = form.querySelector("[data-composer-check]");
      if (check) { check.innerHTML = ""; }
      showDiscard(form, false);
      say(form, form.dataset.draftDiscardedText || "Draft discarded.");
      var box = form.querySelector("textarea[name=body]");
      if (box) { box.focus(); }
    });
  });

  // A refusal is an answer to show, not an error to drop: swap in the form with its reason.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-composer-check")) {
      // The check fills its own region, whatever it answers.
      event.detail.target = elt;
      if (event.detail.xhr.status !== 200) { event.detail.shouldSwap = false; }
      return;
    }
    var status = event.detail.xhr.status;
    var form = event.detail.target;
    if (!form || !form.matches || !form.matches("form.composer")) { return; }
    if (status === 400 || status === 403 || status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      refusedForm = form.id;
    }
  });
  var refusedForm = null;
  // Anything else going wrong while posting (the server or the network): say so beside the
  // form and keep every word.
  function refusedElsewhere(event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("form.composer")) { return; }
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 400 || status === 403 || status === 429) { return; }
    var note = form.querySelector(".errors[data-composer-failure]");
    if (!note) {
      note = document.createElement("div");
      note.className = "errors";
      note.setAttribute("role", "alert");
      note.setAttribute("data-composer-failure", "");
      form.querySelector(".actions").before(note);
    }
    note.textContent = form.dataset.refusedText || "Your post was not sent. Your text is kept.";
  }
  document.addEventListener("htmx:responseError", refusedElsewhere);
  document.addEventListener("htmx:sendError", refusedElsewhere);

  // After a refusal the form is new: the writer is back in the box, at the end of the text
  // (the reason, a role=alert beside it, is read out).
  document.addEventListener("htmx:afterSettle", function () {
    var form = refusedForm && document.getElementById(refusedForm);
    refusedForm = null;
    if (!form) { return; }
    var box = form.querySelector(".has-error textarea, .has-error input, textarea[name=body]");
    if (box) {
      box.focus();
      if (typeof box.setSelectionRange === "function") {
        box.setSelectionRange(box.value.length, box.value.length);
      }
    }
  });
})();

// Sign-up: the new member's time zone from their browser (a hidden field), so that event
// times and the digest's morning are theirs from the first page.
(function () {
  "use strict";
  var field = document.querySelector("input[data-detect-time-zone]");
  if (!field || field.value) { return; }
  try {
    field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) { /* an old browser: the deployment's default applies */ }
})();
