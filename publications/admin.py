"""Editors' admin for publications, partner organisations and the site texts."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from citations.admin import BIBLIOGRAPHIC_FIELDSET
from editorial.admin import DraftableAdmin
from editorial.admin_forms import EditorInlineMixin
from editorial.draft_admin import DraftStatusFilter
from reportsite.translated_content_admin import TranslatedContentAdminMixin

from .models import PartnerOrganisation, Publication, PublicationDocument, SiteContent


def thumbnail(image_field, renditions, alt=""):
    """The smallest rendition (an original can weigh megabytes), else the original."""
    if not image_field:
        return "—"
    smallest = (renditions or {}).get("webp")
    url = default_storage.url(smallest[0]["name"]) if smallest else image_field.url
    return format_html(
        '<img src="{}" alt="{}" class="admin-thumbnail" width="48" loading="lazy">', url, alt
    )


class PublicationYearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("publication_date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        # Only ASCII digits of a year a date can have ("²" is a digit to str.isdigit, and
        # year 0 does not exist): anything else is a bad address, as for the other filters.
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 9999):
            raise IncorrectLookupParameters(f"{value!r} is not a year.")
        return queryset.filter(publication_date__year=int(value))


class PublicationLifecycleFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "lifecycle"

    def lookups(self, request, model_admin):
        return Publication.Lifecycle.choices

    def queryset(self, request, queryset):
        if self.value() in Publication.Lifecycle.values:
            return queryset.in_lifecycle(self.value())
        return queryset


class PublicationDocumentInline(EditorInlineMixin, admin.TabularInline):
    model = PublicationDocument
    extra = 0
    fields = ("document_type", "label", "language", "file", "order", "file_details")
    readonly_fields = ("file_details",)
    verbose_name = "downloadable document"
    verbose_name_plural = "Downloadable documents (PDF): full report, summaries, translations"

    def get_queryset(self, request):
        # The form shows the pending version: rows its draft removes are left out.
        return super().get_queryset(request).exclude(
            draft_change=PublicationDocument.DraftChange.REMOVED
        )

    @admin.display(description="Size and pages")
    def file_details(self, obj):
        if not obj.pk:
            return "Read from the file when saved"
        if obj.draft_change == PublicationDocument.DraftChange.ADDED:
            return f"{obj.details} (in the draft, not yet published)"
        return obj.details


@admin.register(Publication)
class PublicationAdmin(TranslatedContentAdminMixin, DraftableAdmin):
    list_display = (
        "cover_thumbnail",
        "title",
        "kind",
        "publication_date",
        "status_text",
        "featured",
    )
    list_display_links = ("cover_thumbnail", "title")
    list_filter = ("kind", PublicationLifecycleFilter, PublicationYearFilter, "featured")
    search_fields = ("title_en", "summary_en", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    date_hierarchy = "publication_date"
    readonly_fields = ("status_text", "created_at", "updated_at")
    inlines = [PublicationDocumentInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "publication_date", "summary", "body")}),
        ("Front cover", {"fields": ("cover", "cover_alt")}),
        ("Links and media", {"fields": ("external_url", "video_url")}),
        ("How to cite", {"fields": ("authors", "citation")}),
        BIBLIOGRAPHIC_FIELDSET,
        (
            "Publishing",
            {
                "description": "A new publication is a draft: Publish puts it on the site, "
                "at once or at its go-live time.",
                "fields": (
                    "status_text",
                    "publish_at",
                    "expire_at",
                    "featured",
                    "hero_label",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    @admin.display(description="Cover")
    def cover_thumbnail(self, obj):
        # The thumbnail is a link to the edit page: its alt text is the link's name.
        return thumbnail(obj.cover, obj.cover_renditions, alt=f"Edit “{obj}”")


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(TranslatedContentAdminMixin, DraftableAdmin):
    list_display = ("logo_thumbnail", "name", "website", "order", "active", "status_text")
    list_display_links = ("logo_thumbnail", "name")
    # No editable columns: Active and order change through a draft and Publish, like
    # every other field (editorial.admin.DraftableAdmin).
    list_filter = ("active", DraftStatusFilter)
    search_fields = ("name_en", "description_en")

    @admin.display(description="Logo")
    def logo_thumbnail(self, obj):
        return thumbnail(obj.logo, obj.logo_renditions, alt=f"Edit “{obj}”")


@admin.register(SiteContent)
class SiteContentAdmin(TranslatedContentAdminMixin, DraftableAdmin):
    """One record only: the list goes straight to it; no add, no delete."""

    fieldsets = (
        (None, {"fields": ("site_name",)}),
        ("Hero banner", {"fields": ("hero_title", "hero_lead")}),
        ("About", {"fields": ("about_heading", "about_text")}),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteContent.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied  # not a redirect to a page that is refused anyway
        if SiteContent.exists():
            return redirect(
                reverse("admin:publications_sitecontent_change", args=[SiteContent.SINGLETON_PK])
            )
        return redirect(reverse("admin:publications_sitecontent_add"))

    def get_actions(self, request):
        return {}
