"""Editors' admin for the report's web edition: imports (with progress), versions (with
their pre-publish checks, preview and Publish), figures' alt texts and captions, errata."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult

from editorial.admin import DraftableAdmin
from editorial.admin_forms import EDITOR_WIDGETS, EditorInlineMixin
from editorial.files import private_storage
from editorial.previews import staff_file_base
from reportsite.adminlists import SafeFilterAdmin
from translations.status import CURRENT, MISSING, OUT_OF_DATE

from . import checks, conf, translating
from .models import Edition, EditionImport, EditionVersion, Erratum, Figure, Section, Table
from .pandoc_source import SUPPORTED_EXTENSIONS
from .tasks import fail_stale_imports, import_edition

ACCEPTED = (*SUPPORTED_EXTENSIONS, ".zip")

# The task queue's own records are for operators (`manage.py prune_db_task_results`);
# editors follow their imports on the import's page.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


class ImportForm(forms.ModelForm):
    upload = forms.FileField(
        label="source file",
        help_text="The report's source: Word (.docx), Markdown (.md), LaTeX (.tex) or HTML (.html); "
        "for Markdown, LaTeX and HTML with images, a .zip holding the file and its images.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    class Meta:
        model = EditionImport
        fields = ["publication", "language", "note"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        name = upload.name.lower()
        if not name.endswith(ACCEPTED):
            raise forms.ValidationError(f"Choose a {', '.join(ACCEPTED)} file.")
        if upload.size > conf.max_source_bytes():
            raise forms.ValidationError(f"The file is larger than {conf.max_source_bytes() // (1024 * 1024)} MB.")
        return upload

    def clean(self):
        cleaned = super().clean()
        publication, language = cleaned.get("publication"), cleaned.get("language")
        if publication and EditionImport.objects.filter(
            publication=publication, language=language, status__in=[EditionImport.Status.QUEUED, EditionImport.Status.RUNNING]
        ).exists():
            raise forms.ValidationError("An import of this publication in this language is already under way.")
        return cleaned


@admin.register(EditionImport)
class EditionImportAdmin(SafeFilterAdmin):
    list_display = ["source_name", "publication", "language", "status", "progress_bar", "created_at"]
    list_filter = ["status", "language"]
    readonly_fields = ["publication", "language", "note", "source_name", "status", "progress_bar", "stage", "error", "version_link", "created_at", "finished_at"]
    change_form_template = "admin/editions/editionimport/change_form.html"

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ImportForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["publication", "language", "upload", "note"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def changelist_view(self, request, extra_context=None):
        fail_stale_imports()
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        fail_stale_imports()
        job = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "refresh": bool(job and job.is_active)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["upload"]
        obj.created_by = request.user
        obj.source_name = upload.name[:300]
        obj.source = ""
        obj.save()
        obj.source = private_storage().save(f"sources/{obj.pk}/{upload.name}", File(upload))
        obj.save(update_fields=["source"])
        import_edition.enqueue(obj.pk)

    @admin.display(description="progress")
    def progress_bar(self, obj):
        return format_html(
            '<progress max="100" value="{}" aria-label="Import progress">{}%</progress> {}%', obj.progress, obj.progress, obj.progress
        )

    @admin.display(description="draft version")
    def version_link(self, obj):
        if not obj.version_id:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:editions_editionversion_change", args=[obj.version_id]), obj.version)

    def get_urls(self):
        return [
            path("<int:pk>/progress.json", self.admin_site.admin_view(self.progress_json), name="editions_editionimport_progress"),
            *super().get_urls(),
        ]

    def progress_json(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        fail_stale_imports()
        job = get_object_or_404(EditionImport, pk=pk)
        response = JsonResponse({
            "status": job.status, "progress": job.progress, "stage": job.stage, "error": job.error,
            "version": job.version_id,
        })
        response["Cache-Control"] = "no-store"
        return response


class VersionInline(EditorInlineMixin, admin.TabularInline):
    """The edition's versions, read only (the shared tabular template names every header)."""

    model = EditionVersion
    fields = ["version_link", "status", "created_at", "published_at", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="version")
    def version_link(self, obj):
        return format_html('<a href="{}">Version {}</a>', reverse("admin:editions_editionversion_change", args=[obj.pk]), obj.number)


def translation_status_text(publication, language):
    """The translation status of a publication's edition in `language` against the English
    one, in parts (editions.translating), as the admin shows it."""
    if language == settings.LANGUAGE_CODE:
        return "English: the source of translations"
    counts = translating.edition_status(publication, language)
    return f"{counts[MISSING]} parts missing, {counts[OUT_OF_DATE]} out of date, {counts[CURRENT]} current"


@admin.register(Edition)
class EditionAdmin(SafeFilterAdmin):
    list_display = ["publication", "language", "current_version", "translation_status"]
    list_filter = ["language"]
    readonly_fields = ["publication", "language", "current_version", "example", "translation_status"]
    inlines = [VersionInline]

    def has_add_permission(self, request):
        return False

    @admin.display(description="translation (published version against the English one)")
    def translation_status(self, obj):
        return translation_status_text(obj.publication, obj.language)

    def changelist_view(self, request, extra_context=None):
        # Each row's status compares its version with the English one: read each English
        # version's parts once for the page, not once per row (the page is rendered here,
        # inside the block, rather than after the view returns).
        with translating.reading_once():
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
        return response


@admin.register(EditionVersion)
class EditionVersionAdmin(DraftableAdmin):
    """A version's edit page is the editorial core's (Save draft, Preview, Share preview,
    Publish, Unpublish, history), with the pre-publish checks above the buttons."""

    list_display = ["__str__", "status", "created_at", "published_at"]
    list_filter = ["status"]
    fields = ["edition", "number", "status", "title", "authors", "date_text", "source_name", "word_count", "created_at", "published_at", "translation_status", "note"]
    readonly_fields = ["edition", "number", "status", "title", "authors", "date_text", "source_name", "word_count", "created_at", "published_at", "translation_status"]
    change_form_template = "admin/editions/editionversion/change_form.html"

    def has_add_permission(self, request):
        return False  # versions come from imports (and so are never "recovered": no add right)

    def has_delete_permission(self, request, obj=None):
        """Only a version never published may be deleted (a discarded import), one at a
        time: a published one has addresses people cite (…/read/vN/), and its chapters
        are not in its revisions, so a deletion could not be undone."""
        return obj is not None and obj.published_at is None and super().has_delete_permission(request, obj)

    @admin.display(description="translation status of the edition")
    def translation_status(self, obj):
        return translation_status_text(obj.edition.publication, obj.edition.language)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        if version is not None:
            problems = checks.run(version)
            extra_context = {
                **(extra_context or {}),
                "problems": problems,
                "blocking": [p for p in problems if p.blocking],
            }
        return super().change_view(request, object_id, form_url, extra_context)


class ErratumInline(admin.StackedInline):
    model = Erratum
    formfield_overrides = EDITOR_WIDGETS  # the date and the time inputs each have a label
    extra = 1
    fields = ["text", "created_at"]


@admin.register(Section)
class SectionAdmin(SafeFilterAdmin):
    list_display = ["__str__", "chapter", "version"]
    search_fields = ["title", "identifier"]
    fields = ["version", "chapter", "identifier", "number", "title"]
    readonly_fields = fields
    inlines = [ErratumInline]

    def has_add_permission(self, request):
        return False


@admin.register(Figure)
class FigureAdmin(SafeFilterAdmin):
    list_display = ["label", "caption", "has_alt", "version"]
    search_fields = ["caption", "alt", "identifier"]
    fields = ["version", "identifier", "label", "preview", "alt", "caption", "long_description", "source_note", "data_file"]
    readonly_fields = ["version", "identifier", "label", "preview"]

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True, description="alt text")
    def has_alt(self, obj):
        return bool(obj.alt.strip())

    @admin.display(description="image")
    def preview(self, obj):
        if not obj.image:
            return "—"
        url = staff_file_base(obj.version) + obj.image
        return format_html('<img src="{}" alt="" width="320" class="admin-thumbnail">', url)


@admin.register(Table)
class TableAdmin(SafeFilterAdmin):
    list_display = ["label", "caption", "has_header_cells", "version"]
    fields = ["version", "identifier", "label", "caption", "data_file"]
    readonly_fields = ["version", "identifier", "label"]

    def has_add_permission(self, request):
        return False
