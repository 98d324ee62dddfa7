/* "Copy citation" buttons on publication pages.
   Without JavaScript the buttons stay hidden and the citation is plain, selectable text. */
(function () {
  "use strict";

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentElement.querySelector("[role=status]");
    if (!source) return;
    var text = source.textContent.trim();
    function say(message) {
      if (status) status.textContent = message;
    }
    // Messages in the page's language, from the button's data attributes.
    var copied = button.getAttribute("data-copied") || "Citation copied.";
    var manually = button.getAttribute("data-copy-manually") ||
      "Press Ctrl+C (⌘C on a Mac) to copy the selected citation.";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { say(copied); },
        function () { selectText(source); say(manually); }
      );
    } else {
      selectText(source);
      say(manually);
    }
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
})();
