/* Search results that follow the query as it is typed. Without JavaScript the form is an
   ordinary GET form; with it, the results region is replaced by the same server-rendered
   results and the count is announced through the page's status (live) region. */
(function () {
  "use strict";
  var form = document.querySelector("[data-live-search]");
  if (!form || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  var input = form.querySelector("input[name=q]");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var timer = null;
  var latest = 0;

  function update() {
    var address = form.getAttribute("action") + "?" + new URLSearchParams(new FormData(form)).toString();
    var request = ++latest;
    fetch(address, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (request !== latest) return; // an older answer arriving late
        var page = new DOMParser().parseFromString(html, "text/html");
        var freshResults = page.getElementById("search-results");
        var freshStatus = page.getElementById("search-status");
        if (!freshResults || !freshStatus) return;
        results.innerHTML = freshResults.innerHTML;
        status.textContent = freshStatus.textContent;
        window.history.replaceState(null, "", address);
      })
      .catch(function () { /* the form still works by submitting it */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 300);
  });
})();
