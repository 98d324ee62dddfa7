// Warns before an edit page is left with unsaved changes (progressive enhancement: without
// JavaScript the page works as before). A change to any field marks the form as changed;
// the buttons that save it (Save draft, Save, Preview, Share preview, Publish) leave
// without a warning; the buttons that act without saving (Discard draft, Revoke) and links
// ask first, so that typing is never lost by a click.
// Loaded in the page's head (the admin's form media): it waits for the form.
document.addEventListener("DOMContentLoaded", () => {
  const marker = document.querySelector("[data-unsaved-changes]");
  const form = marker && marker.form;
  if (!form) {
    return;
  }
  const message = marker.dataset.unsavedChanges;
  let changed = false;
  let leaving = false;
  const markChanged = (event) => {
    if (event.target.form === form) {
      changed = true;
    }
  };
  document.addEventListener("input", markChanged);
  document.addEventListener("change", markChanged);
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    const discards = button && button.hasAttribute("data-discards-edits");
    if (changed && discards && !window.confirm(message)) {
      event.preventDefault();
      return;
    }
    leaving = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (changed && !leaving) {
      event.preventDefault();
      event.returnValue = message;
    }
  });
});
