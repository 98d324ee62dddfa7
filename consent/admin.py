"""Admin: privacy officers word purposes, publish policy versions and read the records.

Consent records are read-only here (the proof must not be edited through the site). Seeing
them needs `consent.view_consentrecord`; the weekly overview and the CSV export need
`consent.view_consent_overview` as well. The "Privacy officers" group holds these and the
purpose and policy-version permissions (consent.privacy_officers); editors hold none.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from reportsite.adminlists import SafeFilterAdmin
from reportsite.translated_content import column
from reportsite.translated_content_admin import TranslatedContentAdminMixin

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
class PurposeAdmin(TranslatedContentAdminMixin, SafeFilterAdmin):
    """Privacy officers word, order and retire purposes; the site's own rules stay fixed."""

    list_display = ["name", "slug", "required", "order", "asked"]
    list_editable = ["order"]
    actions = ["retire_selected", "delete_selected"]

    @admin.display(boolean=True, description="asked in the banner")
    def asked(self, purpose):
        return not purpose.retired

    def get_prepopulated_fields(self, request, obj=None):
        # An existing purpose's slug is read-only, and a read-only field cannot be prepopulated.
        return {} if obj else {"slug": ["name_en"]}

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return super().get_readonly_fields(request, obj)
        # Records store choices by slug: renaming one would orphan them. The site's own
        # purposes keep the rule the code gives them (see SitePurpose).
        fixed = ["slug", "retired_at"]
        if obj.slug in ALWAYS_REQUIRED | NEVER_REQUIRED:
            fixed.append("required")
        return [*super().get_readonly_fields(request, obj), *fixed]

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
class PolicyVersionAdmin(TranslatedContentAdminMixin, SafeFilterAdmin):
    """Privacy officers publish cookie-policy versions; one in force is never changed."""

    list_display = ["number", "effective_date"]

    def get_readonly_fields(self, request, obj=None):
        # A published version is what visitors agreed to: publish a new number instead.
        if obj and obj.effective_date <= timezone.localdate():
            # Its texts too, in every language written; a missing translation may still be
            # added (visitors were shown the English text, which stays as it is).
            written = [
                column("text", code)
                for code, _name in settings.LANGUAGES
                if getattr(obj, column("text", code))
            ]
            return [*super().get_readonly_fields(request, obj), "number", "effective_date", *written]
        return super().get_readonly_fields(request, obj)

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
        if self.value() is None:
            return queryset
        slug, _, flag = self.value().partition(":")
        if flag not in {"0", "1"} or not Purpose.objects.filter(slug=slug).exists():
            return refuse_filter(request, queryset, "purpose", self.value())
        return queryset.filter(**{f"choices__{slug}": flag == "1"})


class PolicyVersionFilter(admin.SimpleListFilter):
    title = "policy version"
    parameter_name = "version"

    def lookups(self, request, model_admin):
        return [(str(n), f"Version {n}") for n in PolicyVersion.objects.values_list("number", flat=True)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        # isdigit() alone accepts "²", which int() refuses.
        if not (self.value().isascii() and self.value().isdigit()):
            return refuse_filter(request, queryset, "policy version", self.value())
        return queryset.filter(policy_version=int(self.value()))


class LanguageFilter(admin.SimpleListFilter):
    """The site's languages from the settings: listing the values in the records would read
    every record on each page view. Records from before languages count as the default."""

    title = "language"
    parameter_name = "language__exact"

    def lookups(self, request, model_admin):
        return list(settings.LANGUAGES)

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in dict(settings.LANGUAGES):
            return refuse_filter(request, queryset, "language", self.value())
        if self.value() == settings.LANGUAGE_CODE:
            return queryset.filter(language__in=["", self.value()])
        return queryset.filter(language=self.value())


class CreatedBetweenFilter(admin.ListFilter):
    """Records made from one day to another (both included, in the site's time zone)."""

    title = "date range"
    template = "admin/consent/consentrecord/date_range_filter.html"
    parameters = {"created_from": "From", "created_to": "To"}
    EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(9998, 12, 31)

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.raw = {}
        for name in self.parameters:
            if name in params:
                value = params.pop(name)
                self.raw[name] = (value[-1] if isinstance(value, list) else value).strip()

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def queryset(self, request, queryset):
        bounds = {}
        for name, value in self.raw.items():
            if not value:
                continue
            try:
                bounds[name] = datetime.date.fromisoformat(value)
            except ValueError:
                bounds[name] = None
            # Beyond these, midnight in another time zone is out of Python's range.
            if not (bounds[name] and self.EARLIEST <= bounds[name] <= self.LATEST):
                return refuse_filter(request, queryset, "date", value, "a date like 2025-01-31")
        if "created_from" in bounds:
            queryset = queryset.filter(created_at__gte=local_midnight(bounds["created_from"]))
        if "created_to" in bounds:
            next_day = bounds["created_to"] + datetime.timedelta(days=1)
            queryset = queryset.filter(created_at__lt=local_midnight(next_day))
        return queryset

    def choices(self, changelist):
        # One "choice": what the template's form needs (the other filters ride along hidden).
        kept = [
            (name, value)
            for name, values in changelist.params.items()
            if name not in self.parameters
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "fields": [(name, label, self.raw.get(name, "")) for name, label in self.parameters.items()],
            "hidden": kept,
            "clear_url": changelist.get_query_string(remove=list(self.parameters)),
            "active": any(self.raw.values()),
        }


def refuse_filter(request, queryset, what, value, expected=None):
    """A filter value that cannot be right: say so and list nothing (never a 500)."""
    hint = f" (expected {expected})" if expected else ""
    messages.error(request, f"Unknown {what} “{value}”{hint}: no records match.")
    return queryset.none()


def local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def readable_choices(choices, purposes, skip_required=False):
    """"Analytics: allowed / Embeds: refused", in the purposes' display order.

    `purposes` maps slug to (name, required); slugs no purpose has any more show as such.
    """
    parts = []
    for slug, (name, required) in purposes.items():
        if slug in choices and not (skip_required and required and choices[slug]):
            parts.append(f"{name}: {'allowed' if choices[slug] else 'refused'}")
    parts.extend(
        f"{slug}: {'allowed' if on else 'refused'}" for slug, on in choices.items()
        if slug not in purposes
    )
    return " / ".join(parts)


class CappedCountPaginator(Paginator):
    """Counts at most CAP matching records, so a page of a million-record list stays fast
    (an exact COUNT(*) reads every matching row); beyond that the list says "more than"."""

    CAP = 10_000

    @cached_property
    def count(self):
        # Unordered: the database counts from whichever index fits the filter.
        counted = self.object_list.order_by()[: self.CAP + 1].count()
        self.capped = counted > self.CAP
        return min(counted, self.CAP)

    capped = False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    # get_list_display swaps the two per-row look-ups for versions read once per page.
    list_display = ["sequence_number", "created_time", "short_consent_id", "action",
                    "policy_version", "readable_choices", "gpc_sent", "language", "path",
                    "texts_link"]
    list_display_links = ["sequence_number"]
    # Newest first on the (created_at, sequence) index, which also serves the date filters;
    # other columns are not sortable (sorting a million rows is not a page view).
    ordering = ["-created_at", "-sequence"]
    sortable_by = ["created_time"]
    list_filter = [CreatedBetweenFilter, ("created_at", admin.DateFieldListFilter), "action",
                   PolicyVersionFilter, PurposeChoiceFilter, "gpc", LanguageFilter]
    search_fields = ["consent_id"]
    search_help_text = (
        "Search by consent id, whole or its beginning (as the visitor's privacy page shows it)."
    )
    actions = ["export_csv"]
    list_per_page = 50
    show_full_result_count = False
    paginator = CappedCountPaginator
    fields = ["sequence", "created_at", "consent_id", "action", "readable_choices",
              "policy_version", "gpc", "language", "path", "user_agent", "ip_hash", "texts_link",
              "choices", "prev_hash", "record_hash"]
    readonly_fields = ["readable_choices", "texts_link"]

    class Media:
        css = {"all": ["consent/admin-records.css"]}

    def get_search_results(self, request, queryset, search_term):
        """A whole consent id or its beginning: a range on the consent id's index."""
        digits = search_term.strip().lower().replace("-", "")
        if not digits:
            return queryset, False
        if len(digits) > 32 or not all(c in "0123456789abcdef" for c in digits):
            messages.error(request, f"“{search_term.strip()}” is not a consent id or the "
                           "beginning of one (hexadecimal digits and dashes).")
            return queryset.none(), False
        low, high = uuid.UUID(digits.ljust(32, "0")), uuid.UUID(digits.ljust(32, "f"))
        return queryset.filter(consent_id__gte=low, consent_id__lte=high), False

    def get_list_display(self, request):
        """The columns; purposes and known texts are read once per page, not per row."""
        purposes = {
            slug: (name, required)
            for slug, name, required in Purpose.objects.values_list("slug", "name", "required")
        }
        known_texts = set(ShownTexts.objects.values_list("fingerprint", flat=True))

        @admin.display(description="choices")
        def choices(record):
            return readable_choices(record.choices, purposes, skip_required=True)

        @admin.display(description="texts shown")
        def texts(record):
            return self.texts_link(record, known_texts)

        return ["sequence_number", "created_time", "short_consent_id", "action",
                "policy_version", choices, "gpc_sent", "language", "path", texts]

    @admin.display(description="#")
    def sequence_number(self, record):
        return record.sequence

    @admin.display(description="made at", ordering="created_at")
    def created_time(self, record):
        return timezone.localtime(record.created_at).strftime("%Y-%m-%d %H:%M:%S")

    @admin.display(description="GPC", boolean=True)
    def gpc_sent(self, record):
        """Whether the browser sent Global Privacy Control (a short header keeps the
        table within a 1280 px screen)."""
        return record.gpc

    @admin.display(description="consent id")
    def short_consent_id(self, record):
        full = str(record.consent_id)
        return format_html('<span class="consent-id" title="{}">{}…</span>', full, full[:8])

    @admin.display(description="choices")
    def readable_choices(self, record):
        purposes = {
            slug: (name, required)
            for slug, name, required in Purpose.objects.values_list("slug", "name", "required")
        }
        return readable_choices(record.choices, purposes)

    @admin.display(description="texts shown")
    def texts_link(self, record, known_texts=None):
        fingerprint = record.texts_fingerprint
        if known_texts is None:
            known_texts = set(
                ShownTexts.objects.filter(pk=fingerprint).values_list("pk", flat=True)
            )
        if fingerprint not in known_texts:
            return fingerprint[:8]
        return format_html(
            '<a href="{}" title="The banner and purpose texts this visitor was shown">{}</a>',
            reverse("admin:consent_showntexts_change", args=[fingerprint]), fingerprint[:8],
        )

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
        # The table needs the width: without the navigation sidebar (the breadcrumbs
        # remain) every column fits a 1280 px screen.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        if request.user.has_perm(OVERVIEW_PERMISSION):
            extra_context["overview_url"] = reverse("admin:consent_consentrecord_overview")
        return super().changelist_view(request, extra_context)

    def overview_view(self, request):
        if not request.user.has_perm(OVERVIEW_PERMISSION):
            raise PermissionDenied
        languages = dict(settings.LANGUAGES)
        language = request.GET.get("language", "")
        if language and language not in languages:
            # Plain text: the answer repeats what was sent, which must never render.
            return HttpResponseBadRequest(
                f"Unknown language {language!r}: choose one of {', '.join(languages)}.",
                content_type="text/plain; charset=utf-8",
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

