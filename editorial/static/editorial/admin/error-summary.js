// Moves keyboard and screen-reader focus to the error summary when a form comes back with
// errors (GOV.UK pattern); its links then lead to each field. Without JS the summary is
// still first in the form and announced (role="alert").
// On "load", after Django's change_form.js, which focuses the first field of an add form.
window.addEventListener("load", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
