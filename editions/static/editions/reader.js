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
