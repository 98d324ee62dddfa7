"""Admin: privacy officers word purposes, publish policy versions and read the records.

Consent records are read-only here (the proof must not be edited through the site). Seeing
them needs `consent.view_consentrecord`; the weekly overview and the CSV export need
`consent.view_consent_overview` as well. The "Privacy officers" group holds these and the
purpose and policy-version permissions (consent.privacy_officers); editors hold none.
"""

import uuid

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from reportsite.adminlists import SafeFilterAdmin

from . import overview
from .export import csv_lines
from .models import (
    ALWAYS_REQUIRED,
    NEVER_REQUIRED,
    ConsentRecord,
    PolicyVersion,
    Purpose,
    PurposeNotRemovable,
    ShownTexts,
)

OVERVIEW_PERMISSION = "consent.view_consent_overview"


class ReadOnlyAdmin(SafeFilterAdmin):
    """The proof is never added, changed or deleted through the site."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    """Privacy officers word, order and retire purposes; the site's own rules stay fixed."""

    list_display = ["name", "slug", "required", "order", "asked"]
    list_editable = ["order"]
    actions = ["retire_selected", "delete_selected"]

    @admin.display(boolean=True, description="asked in the banner")
    def asked(self, purpose):
        return not purpose.retired

    def get_prepopulated_fields(self, request, obj=None):
        # An existing purpose's slug is read-only, and a read-only field cannot be prepopulated.
        return {} if obj else {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Records store choices by slug: renaming one would orphan them. The site's own
        # purposes keep the rule the code gives them (see SitePurpose).
        fixed = ["slug", "retired_at"]
        if obj.slug in ALWAYS_REQUIRED | NEVER_REQUIRED:
            fixed.append("required")
        return fixed

    def delete_view(self, request, object_id, extra_context=None):
        purpose = self.get_object(request, unquote(object_id))
        if purpose is not None and self.has_delete_permission(request, purpose):
            reason = purpose.refusal_to_delete()
            if reason:
                self.message_user(request, reason, messages.ERROR)
                return redirect(reverse("admin:consent_purpose_change", args=[purpose.pk]))
        return super().delete_view(request, object_id, extra_context)

    @admin.action(permissions=["delete"], description="Delete selected purposes")
    def delete_selected(self, request, queryset):
        refusals = [reason for reason in (p.refusal_to_delete() for p in queryset) if reason]
        if refusals:
            for reason in refusals:
                self.message_user(request, reason, messages.ERROR)
            return None
        return admin_actions.delete_selected(self, request, queryset)

    @admin.action(
        permissions=["change"],
        description="Retire selected purposes (the banner stops asking; new policy version)",
    )
    def retire_selected(self, request, queryset):
        names = [f"“{purpose.name}”" for purpose in queryset]
        try:
            version = queryset.retire()
        except PurposeNotRemovable as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return
        self.message_user(
            request,
            f"Retired {', '.join(names)}: the banner no longer asks for "
            f"{'them' if len(names) > 1 else 'it'}. {version} is in force from today with the "
            "same text, so every visitor is asked again; publish a later version if the text "
            "still describes what was retired.",
            messages.SUCCESS,
        )


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Privacy officers publish cookie-policy versions; one in force is never changed."""

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

