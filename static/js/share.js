// Share actions: the Web Share API where the browser has it, and "Copy link".
// No script of any social network: X, Facebook and email are plain links.
(function () {
  "use strict";
  function status(root, text) {
    var box = root.querySelector("[data-share-status]");
    if (box) { box.textContent = text; }
  }
  document.querySelectorAll("[data-share-actions]").forEach(function (root) {
    var native = root.querySelector("[data-share-native]");
    if (native && typeof navigator.share === "function") {
      native.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({title: native.dataset.shareTitle, url: native.dataset.shareUrl})
          .catch(function () { /* closed by the person: nothing to do */ });
      });
    }
    var copy = root.querySelector("[data-share-copy]");
    if (copy) {
      copy.addEventListener("click", function () {
        var url = copy.dataset.shareUrl;
        var done = function () { status(root, copy.dataset.copiedText); };
        var failed = function () { status(root, copy.dataset.failedText + " " + url); };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(url).then(done, failed);
        } else {
          failed();
        }
      });
    }
  });
})();
