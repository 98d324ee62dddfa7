"""Admin change lists that answer impossible filter values as a bad address, not a 500.

Django turns most bad filter values into its "invalid lookup" answer (a redirect to the
unfiltered list with `?e=1`), but its date hierarchy builds dates from the query string
and lets some escape: `?<field>__year=9999` (no year 10000) or `…&__month=12` (past the
last date) raise ValueError or OverflowError. So do lookups that are not filters at all,
typed into the address: `?created_at__year=99999`, `=0` or `=-1` (a year Python's dates
cannot hold) pass Django's checks and fail only when the query is turned into SQL, while
the page renders; the change list compiles its query at once (and, for lookups typed
into the address, asks the database once) so that they are a bad address too. And PostgreSQL refuses text holding a NUL
character, so a search or filter value with `%00` would fail in the database. Apps give
their admins `SafeFilterAdmin`.

Its change lists also name every editable cell (`list_editable`) for assistive technology:
Django renders those inputs without a label, so each gets one such as "Order of “Analytics”".
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DatabaseError, transaction
from django.http import HttpResponseBadRequest


class SafeFilterChangeList(ChangeList):
    def get_filters(self, request):
        try:
            filters = super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
        # Lookups typed into the address that no list filter declares (`?created_at__year=`).
        self.typed_lookups = filters[2]
        return filters

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        try:
            # Date bounds (`__year`) and other lookup values are converted here, not in
            # filter(): a value no date can hold is found now, not while rendering.
            queryset.query.get_compiler(queryset.db).as_sql()
        except (EmptyResultSet, FullResultSet):
            pass  # a query that matches nothing or everything is a sound one
        except (ValueError, OverflowError, TypeError, IndexError) as error:
            raise IncorrectLookupParameters(error) from error
        if self.typed_lookups:
            # What only the database finds (an integer too large for it, a `__range` of
            # the wrong length): asked once, in a savepoint, before the page is built.
            try:
                with transaction.atomic(using=queryset.db):
                    queryset.exists()
            except (DatabaseError, ValueError, OverflowError, TypeError, IndexError) as error:
                raise IncorrectLookupParameters(error) from error
        return queryset


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
        return refuse_nul_characters(request) or super().changelist_view(request, extra_context)


def refuse_nul_characters(request):
    """A 400 when the address holds a NUL character, else None. Refused up front on every
    database, so SQLite and PostgreSQL answer alike (PostgreSQL cannot store one)."""
    if any("\x00" in part for item in request.GET.lists() for part in (item[0], *item[1])):
        return HttpResponseBadRequest(
            "A filter or search value contains a NUL character (%00): remove it.",
            content_type="text/plain; charset=utf-8",
        )
    return None
