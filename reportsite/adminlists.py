"""Admin change lists that answer impossible filter values as a bad address, not a 500.

Django turns most bad filter values into its "invalid lookup" answer (a redirect to the
unfiltered list with `?e=1`), but its date hierarchy builds dates from the query string
and lets some escape: `?<field>__year=9999` (no year 10000) or `…&__month=12` (past the
last date) raise ValueError or OverflowError. And PostgreSQL refuses text holding a NUL
character, so a search or filter value with `%00` would fail in the database. Apps give
their admins `SafeFilterAdmin`.

Its change lists also name every editable cell (`list_editable`) for assistive technology:
Django renders those inputs without a label, so each gets one such as "Order of “Analytics”".
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpResponseBadRequest


class SafeFilterChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class LabelledCellsFormSet:
    """A change list's formset whose every visible input is labelled by column and row."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = f"{field.label} of “{form.instance}”"


class SafeFilterAdmin(admin.ModelAdmin):
    """A ModelAdmin whose change list treats filter values it cannot use as a bad address."""

    def get_changelist(self, request, **kwargs):
        return SafeFilterChangeList

    def get_changelist_formset(self, request, **kwargs):
        return type("LabelledChangeListFormSet",
                    (LabelledCellsFormSet, super().get_changelist_formset(request, **kwargs)), {})

    def changelist_view(self, request, extra_context=None):
        # Refused up front on every database, so SQLite and PostgreSQL answer alike.
        if any("\x00" in part for item in request.GET.lists() for part in (item[0], *item[1])):
            return HttpResponseBadRequest(
                "A filter or search value contains a NUL character (%00): remove it.",
                content_type="text/plain; charset=utf-8",
            )
        return super().changelist_view(request, extra_context)
