/* Consent banner, settings dialog and embed placeholders.
 *
 * Progressive enhancement only: every control is a server-side form or link that works
 * without this script. With it, decisions are posted with fetch and applied in place; the
 * state comes from the server's JSON answer (the consent cookie is HttpOnly).
 */
(function () {
  "use strict";

  var dialog = document.getElementById("consent-dialog");
  var status = document.querySelector("[data-consent-status]");
  var confirmation = document.querySelector("[data-consent-confirmation]");
  var details = document.querySelector("[data-consent-details]");
  var main = document.getElementById("main");

  // Messages in the page's language, from the status element's data attributes.
  function pageMessage(name, fallback) {
    return (status && status.getAttribute("data-consent-" + name)) || fallback;
  }
  var opener = null;
  // The dialog closes because a choice was saved: focus goes to the confirmation, not back.
  var closingAfterDecision = false;

  function focusMain() {
    if (main) main.focus();
  }

  // A confirmation the server wrote (after a reload or a form posted without JavaScript)
  // has focus, as `autofocus` asks, even where a #fragment in the address took it elsewhere.
  if (status && status.textContent.trim()) status.focus();

  // What was saved, in the banner's place; announced (role=status) and, unless focus must
  // stay where the decision put it (a player that replaced its button), focused.
  function confirmDecision(data, moveFocus) {
    if (!status) return;
    var list = details && details.querySelector("[data-consent-saved]");
    if (list) {
      list.textContent = "";
      (data.saved || []).forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      });
    }
    if (confirmation) {
      confirmation.classList.add("consent-confirmation--shown");
      // A landmark named by its status while it says something.
      confirmation.setAttribute("role", "region");
      confirmation.setAttribute("aria-labelledby", "consent-status");
    }
    if (details) details.hidden = false;
    status.textContent = "";
    // A change after a tick is announced even when the same message repeats.
    window.setTimeout(function () {
      status.textContent = data.message || pageMessage("saved-message", "Your choices have been saved.");
      if (moveFocus) status.focus();
    }, 50);
  }

  function hideConfirmation() {
    if (confirmation) {
      confirmation.classList.remove("consent-confirmation--shown");
      confirmation.removeAttribute("role");
      confirmation.removeAttribute("aria-labelledby");
    }
    if (details) details.hidden = true;
    if (status) status.textContent = "";
    focusMain();
  }

  function openDialog(trigger) {
    if (!dialog || typeof dialog.showModal !== "function") return false;
    opener = trigger;
    clearError(dialog);
    dialog.showModal();
    var first = dialog.querySelector(".consent-switch:not([disabled])") || dialog.querySelector("button");
    if (first) first.focus();
    return true;
  }

  if (dialog) {
    dialog.addEventListener("close", function () {
      var returnTo = opener;
      opener = null;
      if (closingAfterDecision) {
        closingAfterDecision = false;
        return;
      }
      // Escape or Close saves nothing: the switches go back to the choices in force.
      var form = dialog.querySelector("form");
      if (form) form.reset();
      if (returnTo && document.body.contains(returnTo)) returnTo.focus();
      else focusMain();
    });
  }

  function showEmbed(figure, moveFocus) {
    var placeholder = figure && figure.querySelector("[data-consent-placeholder]");
    if (!placeholder) return;
    var frame = document.createElement("iframe");
    frame.className = "consent-embed__frame";
    frame.src = figure.getAttribute("data-embed-src");
    frame.title = figure.getAttribute("data-embed-title");
    frame.setAttribute("allow", "fullscreen; picture-in-picture");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    placeholder.replaceWith(frame);
    if (moveFocus) frame.focus();
  }

  function clearError(scope) {
    var old = scope.querySelector(".consent-error");
    if (old) old.remove();
  }

  function showError(form, message) {
    clearError(form);
    var paragraph = document.createElement("p");
    paragraph.className = "consent-error";
    paragraph.setAttribute("role", "alert");
    paragraph.textContent = message;
    form.appendChild(paragraph);
  }

  function apply(data, form) {
    // Asked before the player replaces the placeholder (and the form with it).
    var fromEmbed = Boolean(form && form.closest("[data-consent-embed]"));
    if (data.reload) {
      // Something allowed before is refused now: only a fresh page stops code already
      // running. The server confirms the choice on it (consent.notice); without the
      // #fragment, so that nothing scrolls away from the confirmation.
      window.location.replace(window.location.href.split("#")[0]);
      return;
    }
    var banner = document.querySelector("[data-consent-banner]");
    if (banner) banner.remove();
    if (dialog && dialog.open) {
      closingAfterDecision = true;
      dialog.close();
    }
    document.querySelectorAll("[data-purpose]").forEach(function (input) {
      // The saved state is the one a form reset (Escape in the dialog) returns to.
      input.checked = input.defaultChecked = Boolean(data.choices[input.getAttribute("data-purpose")]);
    });
    document.querySelectorAll("input[name=shown]").forEach(function (input) {
      input.value = data.shown;
    });
    if (data.embeds) {
      // Focus follows the player that replaced the "Always allow" button that had it.
      var active = document.activeElement;
      var focusedFigure = active && active.closest ? active.closest("[data-consent-embed]") : null;
      document.querySelectorAll("[data-consent-embed]").forEach(function (figure) {
        showEmbed(figure, figure === focusedFigure);
      });
    }
    if (data.analytics && !document.querySelector("[data-consent-analytics]")) {
      var script = document.createElement("script");
      script.src = data.analytics.src;
      script.defer = true;
      script.setAttribute("data-site-id", data.analytics.site_id);
      script.setAttribute("data-consent-analytics", "");
      document.body.appendChild(script);
    }
    confirmDecision(data, !fromEmbed);
  }

  // Browsers without SubmitEvent.submitter still say which button was pressed.
  var lastSubmitter = null;

  document.addEventListener("click", function (event) {
    lastSubmitter = event.target.closest("button[type=submit]");
    var trigger = event.target.closest("[data-consent-open]");
    if (trigger && openDialog(trigger)) {
      event.preventDefault();
      return;
    }
    var hide = event.target.closest("[data-consent-hide]");
    if (hide) {
      event.preventDefault();
      hideConfirmation();
      return;
    }
    var load = event.target.closest("[data-consent-load]");
    if (load) {
      event.preventDefault();
      showEmbed(load.closest("[data-consent-embed]"), true);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-consent-form]");
    var submitter = event.submitter || lastSubmitter;
    if (!form || (submitter && submitter.getAttribute("formmethod") === "dialog")) return;
    event.preventDefault();
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    // form.action would be shadowed by the buttons named "action".
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new URLSearchParams(data),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (result.ok) {
          clearError(form);
          apply(result.body, form);
        } else {
          showError(form, result.body.error || pageMessage("failed", "Your choice could not be saved."));
        }
      })
      .catch(function () {
        showError(form, pageMessage("offline", "Your choice could not be saved: the connection failed. Please try again."));
      });
  });
})();
