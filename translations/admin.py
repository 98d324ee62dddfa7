"""The translators' page in the admin: export a language as XLIFF or PO, import the
translated file as drafts, with a unit-by-unit report. Editors and privacy officers reach it
with the "exchange translations" permission; each unit also needs rights on its item."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse

from reportsite.adminlists import refuse_nul_characters

from .exchange import UnreadableFile, export_po, export_xliff, import_translations, units_for
from .forms import ExportForm, ImportForm
from .models import TranslationSource

PERMISSION = "translations.exchange_translations"


@admin.register(TranslationSource)
class TranslationExchangeAdmin(admin.ModelAdmin):
    """The list page is the translators' page; each record (what a translation was made
    from) can be opened read-only."""

    list_display = ("content_type", "object_id", "field", "language", "updated_at")
    def has_module_permission(self, request):
        return request.user.has_perm(PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("export/", wrap(self.export_view), name="translations_translationsource_export"),
            path("import/", wrap(self.import_view), name="translations_translationsource_import"),
            *super().get_urls(),
        ]

    def _page(self, request, export_form=None, import_form=None, report=None, status=200):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        language = request.GET.get("language")
        initial = {"language": language} if language else {}
        drafts = [(obj, _edit_url(obj)) for obj in (report.drafts if report else [])]
        context = {
            **self.admin_site.each_context(request),
            "title": "Translations for translators",
            "export_form": export_form or ExportForm(initial=initial),
            "import_form": import_form or ImportForm(initial=initial),
            "report": report,
            "drafts": drafts,
        }
        return TemplateResponse(request, "admin/translations/exchange.html", context, status=status)

    def changelist_view(self, request, extra_context=None):
        return refuse_nul_characters(request) or self._page(request)

    def export_view(self, request):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        form = ExportForm(request.GET)
        if not form.is_valid():
            return self._page(request, export_form=form, status=400)
        language, scope, kind = (form.cleaned_data[key] for key in ("language", "scope", "format"))
        units = units_for(language, scope, request.user)
        if kind == "po":
            body, suffix, content_type = export_po(units, language), "po", "text/x-gettext-translation"
        else:
            body, suffix, content_type = export_xliff(units, language), "xlf", "application/x-xliff+xml"
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="reportsite-{language}-{scope}.{suffix}"'
        return response

    def import_view(self, request):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        if request.method != "POST":
            return self._page(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(request, import_form=form, status=400)
        try:
            report = import_translations(form.cleaned_data["file"], form.cleaned_data["language"], request.user)
        except UnreadableFile as error:
            form.add_error("file", str(error))
            return self._page(request, import_form=form, status=400)
        return self._page(request, import_form=ImportForm(initial={"language": form.cleaned_data["language"]}), report=report)


def _edit_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
