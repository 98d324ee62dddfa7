"""The admin side of translated content (reportsite.translated_content): each item's
translations grouped per language, a column and a box saying which languages are complete,
and a list filter "missing <language>".

Grouped fieldsets rather than modeltranslation's tabs: its tabs load jQuery UI from a CDN
and run scripts the Content-Security-Policy refuses; a fieldset per language, folded with
Django's own `collapse` class (a <details> element), needs no script at all.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language_info

from .translated_content import (
    DEFAULT,
    column,
    editable_translated_fields,
    missing_languages,
    other_languages,
    translated_fields,
    translation_statuses,
)

OUT_OF_DATE = "out of date"


def english_name(code):
    """The language's English name, as the (English) admin shows it: "French"."""
    return get_language_info(code)["name"]


class MissingTranslationFilter(admin.SimpleListFilter):
    title = "translation"
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, f"Missing {english_name(code)}") for code, _name in other_languages()] + [
            (f"{code}-outdated", f"Out of date in {english_name(code)}") for code, _name in other_languages()
        ]

    def queryset(self, request, queryset):
        code = self.value()
        if not code:
            return queryset
        if code.endswith("-outdated") and code.removesuffix("-outdated") in dict(other_languages()):
            # Out of date: the English changed since the translation was made, which only the
            # translation status knows (digests of texts, compared here rather than in SQL).
            language = code.removesuffix("-outdated")
            statuses = translation_statuses(queryset.iterator())
            return queryset.filter(pk__in=[
                pk for pk, status in statuses.items() if status.state(language) == OUT_OF_DATE
            ])
        if code not in dict(other_languages()):
            raise IncorrectLookupParameters(f"{code!r} is not one of the site's languages.")
        missing = Q()
        for name in editable_translated_fields(queryset.model):
            english, translated = column(name, DEFAULT), column(name, code)
            missing |= (Q(**{f"{english}__isnull": False}) & ~Q(**{english: ""})) & (
                Q(**{f"{translated}__isnull": True}) | Q(**{translated: ""})
            )
        return queryset.filter(missing)


class TranslationStatusResults:
    """For a change list: read the translation status of its page of items in one query."""

    def get_results(self, request):
        super().get_results(request)
        statuses = translation_statuses(self.result_list)
        for obj in self.result_list:
            obj.translation_status = statuses.get(obj.pk)


class TranslatedContentAdminMixin:
    """For ModelAdmins of models with translated fields: put it before ModelAdmin."""

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)
        return type(f"TranslationStatus{base.__name__}", (TranslationStatusResults, base), {})

    def _field_language(self, name):
        """(field, language) when `name` is a column of a translated field, else None."""
        for field in translated_fields(self.model):
            for code, _name in [(DEFAULT, None), *other_languages()]:
                if name == column(field, code):
                    return field, code
        return None

    def get_fieldsets(self, request, obj=None):
        editable = editable_translated_fields(self.model)
        fieldsets = []
        for title, options in super().get_fieldsets(request, obj):
            fields = []
            for name in options.get("fields", ()):
                if isinstance(name, (list, tuple)):
                    fields.append(name)
                    continue
                found = self._field_language(name)
                if name == "translation_overview":
                    continue  # a read-only field, which Django lists among all fields: shown once, on top
                if name in editable:
                    name = column(name, DEFAULT)
                elif found and found[1] != DEFAULT:
                    continue  # shown in its language's fieldset
                elif name in translated_fields(self.model):
                    continue  # derived (e.g. the rendered body)
                if name not in fields:
                    fields.append(name)
            fieldsets.append((title, {**options, "fields": fields}))
        fieldsets.insert(0, ("Languages", {"fields": ["translation_overview"]}))
        for code, name in other_languages():
            fieldsets.append(
                (
                    f"{english_name(code)} ({name})",
                    {
                        "fields": [column(field, code) for field in editable],
                        "classes": ["collapse"],
                        "description": f"Leave a text empty to show the English one on /{code}/ "
                        "pages (marked as English for screen readers).",
                    },
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "translation_overview")

    def get_search_fields(self, request):
        """A search for a translated field's English text looks in every language too."""
        names = []
        for name in super().get_search_fields(request):
            found = self._field_language(name)
            if found and found[1] == DEFAULT:
                names.extend(column(found[0], code) for code, _name in settings.LANGUAGES)
            else:
                names.append(name)
        return names

    def get_list_display(self, request):
        return (*super().get_list_display(request), "translations_column")

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), MissingTranslationFilter)

    @admin.display(description="Translations")
    def translations_column(self, obj):
        missing = missing_languages(obj)
        status = getattr(obj, "translation_status", None)
        outdated = [
            code for code, _name in other_languages()
            if code not in missing and status is not None and status.state(code) == OUT_OF_DATE
        ]
        parts = []
        if missing:
            parts.append("Missing: " + ", ".join(english_name(code) for code in missing))
        if outdated:
            parts.append("Out of date: " + ", ".join(english_name(code) for code in outdated))
        return "; ".join(parts) or "Complete"

    @admin.display(description="Translations")
    def translation_overview(self, obj):
        if obj is None or obj.pk is None:
            return "Save the English texts first; then translate them below."
        missing = missing_languages(obj)
        status = translation_statuses([obj]).get(obj.pk)
        labels = {
            name: str(self.model._meta.get_field(name).verbose_name)
            for name in editable_translated_fields(self.model)
        }
        rows = []
        for code, name in other_languages():
            if code in missing:
                state = "missing " + ", ".join(labels[field] for field in missing[code])
            elif status is not None and status.state(code) == OUT_OF_DATE:
                changed = status.languages[code][OUT_OF_DATE]
                state = "out of date (the English changed since): " + ", ".join(labels[f] for f in changed)
            else:
                state = "complete"
            rows.append((english_name(code), name, state))
        return format_html(
            '<ul class="translation-overview">{}</ul>',
            format_html_join("", "<li>{} ({}): {}</li>", rows),
        )
