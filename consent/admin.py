"""Admin: editors word purposes and publish policy versions; accountable staff read the records.

Consent records are read-only here (the proof must not be edited through the site). Seeing
them needs `consent.view_consentrecord`; the weekly overview and the CSV export need
`consent.view_consent_overview` as well. Editors hold neither.
"""

import uuid

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from . import overview
from .export import csv_lines
from .models import ConsentRecord, PolicyVersion, Purpose, ShownTexts

OVERVIEW_PERMISSION = "consent.view_consent_overview"


class ReadOnlyAdmin(admin.ModelAdmin):
    """The proof is never added, changed or deleted through the site."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "required", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # Records store choices by slug: renaming one would orphan them.
        return ["slug"] if obj else []


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "effective_date"]

    def get_readonly_fields(self, request, obj=None):
        # A published version is what visitors agreed to: publish a new number instead.
        if obj and obj.effective_date <= timezone.localdate():
            return ["number", "effective_date", "text"]
        return []

    def has_delete_permission(self, request, obj=None):
        if obj and obj.effective_date <= timezone.localdate():
            return False
        return super().has_delete_permission(request, obj)


class PurposeChoiceFilter(admin.SimpleListFilter):
    title = "purpose"
    parameter_name = "purpose"

    def lookups(self, request, model_admin):
        items = []
        for purpose in Purpose.objects.filter(required=False):
            items.append((f"{purpose.slug}:1", f"{purpose.name}: allowed"))
            items.append((f"{purpose.slug}:0", f"{purpose.name}: refused"))
        return items

    def queryset(self, request, queryset):
        slug, _, flag = (self.value() or "").partition(":")
        if not slug or flag not in {"0", "1"}:
            return queryset
        return queryset.filter(**{f"choices__{slug}": flag == "1"})


class PolicyVersionFilter(admin.SimpleListFilter):
    title = "policy version"
    parameter_name = "version"

    def lookups(self, request, model_admin):
        return [(str(n), f"Version {n}") for n in PolicyVersion.objects.values_list("number", flat=True)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(policy_version=int(self.value()))
        return queryset


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "created_at", "consent_id", "action", "policy_version",
                    "choice_summary", "gpc", "language", "path"]
    list_filter = [("created_at", admin.DateFieldListFilter), "action", PolicyVersionFilter,
                   PurposeChoiceFilter, "gpc", "language"]
    date_hierarchy = "created_at"
    search_fields = ["consent_id"]
    search_help_text = "Search by consent id (the full id, as the visitor's privacy page shows it)."
    actions = ["export_csv"]
    list_per_page = 50
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.filter(consent_id=uuid.UUID(term)), False
        except ValueError:
            return queryset.none(), False

    @admin.display(description="choices")
    def choice_summary(self, record):
        return ", ".join(f"{slug} {'on' if on else 'off'}" for slug, on in record.choices.items())


    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm(OVERVIEW_PERMISSION):
            actions.pop("export_csv", None)
        return actions

    @admin.action(description="Export selected records as CSV")
    def export_csv(self, request, queryset):
        if not request.user.has_perm(OVERVIEW_PERMISSION):
            raise PermissionDenied
        response = StreamingHttpResponse(
            csv_lines(queryset.order_by("sequence")), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="consent-records-{stamp}.csv"'
        return response

    def get_urls(self):
        return [
            path(
                "overview/",
                self.admin_site.admin_view(self.overview_view),
                name="consent_consentrecord_overview",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if request.user.has_perm(OVERVIEW_PERMISSION):
            extra_context["overview_url"] = reverse("admin:consent_consentrecord_overview")
        return super().changelist_view(request, extra_context)

    def overview_view(self, request):
        if not request.user.has_perm(OVERVIEW_PERMISSION):
            raise PermissionDenied
        languages = dict(settings.LANGUAGES)
        language = request.GET.get("language", "")
        if language and language not in languages:
            return HttpResponseBadRequest(
                f"Unknown language {language!r}: choose one of {', '.join(languages)}."
            )
        weeks = overview.weekly_shares(language=language or None)
        context = {
            "languages": [("", "All languages"), *languages.items()],
            "language": language,
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Consent overview",
            "weeks": weeks,
            "purposes": overview.optional_purposes(),
            "chart": overview.chart(weeks),
        }
        return TemplateResponse(request, "admin/consent/consentrecord/overview.html", context)


@admin.register(ShownTexts)
class ShownTextsAdmin(ReadOnlyAdmin):
    """What a record's texts fingerprint stands for: the banner and purposes as shown."""

    list_display = ["fingerprint", "first_used"]
    search_fields = ["fingerprint"]
    readonly_fields = ["fingerprint", "content", "first_used"]

    # Whoever may read the records may read what their fingerprints stand for.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("consent.view_consentrecord")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

