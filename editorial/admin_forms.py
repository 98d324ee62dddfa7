"""Admin forms that never lose an editor's work, and uploads that never hold up visitors.

Mixed into the content admins (publications.admin):

- Uploads are checked (images decoded, PDFs read) *before* the admin opens its write
  transaction: with SQLite one connection writes at a time, and visitors' consent
  decisions must not wait for Pillow. Renditions are made after the commit
  (publications.renditions).
- A valid file chosen in a form that fails for another reason is kept
  (editorial.pending_uploads) and the form says so: "Kept: cover.png (uploaded a moment
  ago) — choose another file to replace it".
- Every error is listed at the top of the form, each linking to its field (the GOV.UK
  "error summary" pattern), main form and inline documents alike, and stays at the field.
- The current image of an image field is shown as a thumbnail.
- Every input has a label (date and time inputs, tabular inline cells), for axe-core.
"""

from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.admin.widgets import AdminFileWidget, AdminSplitDateTime
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.forms.forms import NON_FIELD_ERRORS
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.timesince import timesince

from . import pending_uploads
from .uploads import precheck_upload

# The hidden field that carries a kept file's token is the file field's name plus this.
KEPT_SUFFIX = "-kept"


def uploaded_ago(kept_at):
    """ "a moment ago", "3 minutes ago": when the kept file was chosen."""
    now = timezone.now()
    then = datetime.fromtimestamp(kept_at, tz=UTC)
    return "a moment ago" if (now - then).total_seconds() < 60 else f"{timesince(then, now)} ago"


class KeptFileInput(AdminFileWidget):
    """A file input that can carry a file kept from the previous submission."""

    template_name = "admin/editorial/widgets/kept_file_input.html"
    kept = None  # a pending_uploads.KeptUpload, set on a failed submission

    def use_required_attribute(self, initial):
        # A kept file answers "required": the browser must not insist on a new choice.
        return super().use_required_attribute(initial) and not self.kept

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["kept_field_name"] = name + KEPT_SUFFIX
        if self.kept:
            widget["kept"] = self.kept
            widget["kept_size"] = filesizeformat(self.kept.size)
            widget["kept_ago"] = uploaded_ago(self.kept.kept_at)
            widget["kept_id"] = f"{widget['attrs'].get('id', name)}_kept"
            described_by = [widget["attrs"].get("aria-describedby"), widget["kept_id"]]
            widget["attrs"]["aria-describedby"] = " ".join(filter(None, described_by))
        return context


class KeptImageInput(KeptFileInput):
    """…and shows the current image as a thumbnail (its smallest rendition)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if widget["is_initial"] and getattr(value, "instance", None) is not None:
            widget["thumbnail_url"] = thumbnail_url(value)
        return context


def thumbnail_url(field_file):
    """The smallest rendition of a stored image (an original can weigh megabytes)."""
    renditions = getattr(field_file.instance, f"{field_file.field.name}_renditions", None) or {}
    if renditions.get("source") == field_file.name and renditions.get("webp"):
        return default_storage.url(renditions["webp"][0]["name"])
    return field_file.url


class LabelledSplitDateTime(AdminSplitDateTime):
    """Django's date + time inputs, each with its own label; the time's label names the site's
    time zone, in which it is read ("Time (Europe/Paris):")."""

    template_name = "admin/editorial/widgets/split_datetime.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["time_label"] = f"Time ({timezone.get_current_timezone_name()}):"
        return context


EDITOR_WIDGETS = {
    models.ImageField: {"widget": KeptImageInput},
    models.FileField: {"widget": KeptFileInput},
    models.DateTimeField: {"widget": LabelledSplitDateTime},
}


class EditorInlineMixin:
    """For tabular inlines (the publication's documents): file inputs keep files too, and
    every input has a label."""

    formfield_overrides = EDITOR_WIDGETS
    template = "admin/editorial/edit_inline/tabular.html"


class EditorFormAdminMixin:
    """For ModelAdmins of editors' content: see the module docstring."""

    formfield_overrides = EDITOR_WIDGETS

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            self._restore_kept_uploads(request)
            # Before Django's changeform_view opens its transaction (and, on SQLite with
            # IMMEDIATE transactions, takes the write lock): decode the images now.
            for upload in request.FILES.values():
                precheck_upload(upload)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _restore_kept_uploads(self, request):
        for key, token in request.POST.items():
            if not key.endswith(KEPT_SUFFIX) or not token:
                continue
            field_key = key[: -len(KEPT_SUFFIX)]
            if request.FILES.get(field_key) or request.POST.get(f"{field_key}-clear"):
                continue  # the editor chose another file (or none): the kept one is dropped
            upload = pending_uploads.restore(token, request.user)
            if upload is None:
                messages.warning(
                    request,
                    "A file kept from your previous attempt is no longer available "
                    "(kept files expire after a day): choose it again.",
                )
                continue
            request.FILES[field_key] = upload

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST":
            forms = _forms_of(context)
            if any(form.errors for form in forms) or _formset_errors(context):
                _keep_valid_uploads(forms, request.user)
                context["error_summary"] = error_summary(context)
        return super().render_change_form(request, context, add, change, form_url, obj)


def _forms_of(context):
    forms = [context["adminform"].form]
    for inline in context.get("inline_admin_formsets", []):
        forms.extend(inline.formset.forms)
    return forms


def _formset_errors(context):
    return any(
        inline.formset.non_form_errors() for inline in context.get("inline_admin_formsets", [])
    )


def _keep_valid_uploads(forms, user):
    for form in forms:
        cleaned = getattr(form, "cleaned_data", {})
        for name, field in form.fields.items():
            if not isinstance(field.widget, KeptFileInput) or name in form.errors:
                continue
            value = cleaned.get(name)
            if isinstance(value, UploadedFile):
                field.widget.kept = pending_uploads.keep(value, user)


def error_summary(context):
    """[{"href": "#id", "text": "…"}] for every error of the main form and its inlines."""
    items = []
    form = context["adminform"].form
    items.extend(_form_errors(form, f"#{form._meta.model._meta.model_name}_form", ""))
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        name = inline.opts.verbose_name
        for error in formset.non_form_errors():
            items.append({"href": f"#{formset.prefix}-group", "text": f"{name.capitalize()}: {error}"})
        for number, inline_form in enumerate(formset.forms, start=1):
            items.extend(
                _form_errors(
                    inline_form, f"#{formset.prefix}-{number - 1}", f"{name.capitalize()} {number}, "
                )
            )
    return items


def _form_errors(form, form_anchor, prefix):
    items = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            href, label = form_anchor, prefix.rstrip(", ")
        else:
            field = form[name]
            href = f"#{field.id_for_label or field.auto_id}"
            label = f"{prefix}{field.label}"
        for error in errors:
            items.append({"href": href, "text": f"{label}: {error}" if label else error})
    return items
