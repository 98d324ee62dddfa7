// Reading pages: enhancements only; every link works without this script.
(function () {
  "use strict";
  // An old address with a #fragment whose section moved to another chapter: ask the
  // server, which knows where every identifier of the edition lives now.
  var hash = decodeURIComponent(location.hash.slice(1));
  var chapter = document.querySelector(".reader-chapter");
  if (hash && chapter && !document.getElementById(hash) && /^[A-Za-z0-9_.-]+$/.test(hash)) {
    var home = document.querySelector(".reader-kicker a");
    if (home) { location.replace(home.getAttribute("href") + hash + "/"); return; }
  }
  // Footnotes shown in place while a note's number is hovered or focused (the link still
  // goes to the note, and back); Escape hides it.
  var tip = null;
  function hideNote() { if (tip) { tip.remove(); tip = null; } }
  document.querySelectorAll(".footnote-ref a[href^='#fn-']").forEach(function (ref) {
    var note = document.getElementById(ref.getAttribute("href").slice(1));
    if (!note) { return; }
    function showNote() {
      hideNote();
      tip = document.createElement("span");
      tip.className = "footnote-tip";
      tip.id = "footnote-tip";
      tip.setAttribute("role", "tooltip");
      var copy = note.cloneNode(true);
      copy.querySelectorAll(".reader-notes__back").forEach(function (back) { back.remove(); });
      tip.textContent = copy.textContent.trim();
      ref.setAttribute("aria-describedby", "footnote-tip");
      ref.parentNode.insertAdjacentElement("afterend", tip);
    }
    ref.addEventListener("mouseenter", showNote);
    ref.addEventListener("focus", showNote);
    ref.addEventListener("mouseleave", hideNote);
    ref.addEventListener("blur", hideNote);
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hideNote(); } });

  // A "Copy link" button beside each permalink.
  if (!navigator.clipboard) { return; }
  var strings = document.querySelector(".reader-strings");
  var copyLabel = strings ? strings.dataset.copy : "Copy link";
  var copiedLabel = strings ? strings.dataset.copied : "Link copied:";
  var status = document.createElement("p");
  status.className = "permalink-status visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);
  document.querySelectorAll("a.permalink").forEach(function (link) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "permalink-copy";
    button.textContent = copyLabel;
    var label = link.querySelector(".visually-hidden");
    if (label) { button.setAttribute("aria-label", copyLabel + " — " + label.textContent); }
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(link.href).then(function () {
        status.textContent = copiedLabel + " " + link.href;
      });
    });
    link.insertAdjacentElement("afterend", button);
  });
})();
