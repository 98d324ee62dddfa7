"""Whatever values staff (or a mistyped bookmark) put in an admin list's filters, search,
ordering or page number, the list answers with a page, a redirect or a clear 4xx, never a
server error. Every registered ModelAdmin is tried as a superuser; its query parameters are
read from its own change list (filter specs, date hierarchy), not written down here."""

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.db import models
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]

MODEL_ADMINS = {
    f"{model._meta.app_label}.{model._meta.model_name}": model_admin
    for model, model_admin in admin.site._registry.items()
}
# Values that reach code through int(), dates, slugs and lookups, each sent in each name.
ODD_VALUES = [
    "0000", "-1", "²", "٢٠٢٥", "9999", "13", "32", "99999999999999999999", "2024-02-30",
    "9999-12-31", "\x00", "analytics:1", "' OR 1=1 --",
]


def query_parameters(admin_client, model_admin):
    """The names this change list reads: each filter's, the date hierarchy's, search, order, page."""
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
    request = admin_client.get(url).wsgi_request
    names = {SEARCH_VAR, ORDER_VAR, PAGE_VAR, "all"}
    changelist = model_admin.get_changelist_instance(request)
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        names.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return url, sorted(names)


def every_query_answers(admin_client, url, queries):
    """Hypothesis' query strings drawn from `queries`: the list never answers a 5xx."""

    @settings(
        max_examples=10,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=queries)
    def list_answers(query):
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code < 500, f"{url}?{query}"

    list_answers()


@pytest.fixture
def some_content(make_publication):
    """Something in the lists, so that their filters offer choices."""
    make_publication()


@pytest.mark.parametrize("label", sorted(MODEL_ADMINS))
def test_any_value_in_any_filter_of_every_admin_list(admin_client, some_content, label):
    url, names = query_parameters(admin_client, MODEL_ADMINS[label])
    # First each odd value in each name, then Hypothesis' own combinations.
    for name in names:
        for value in ODD_VALUES:
            query = f"{quote(name)}={quote(value, safe='')}"
            response = admin_client.get(f"{url}?{query}")
            assert response.status_code < 500, f"{url}?{query}"

    values = st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=20), st.integers().map(str))
    queries = st.lists(st.tuples(st.sampled_from(names), values), min_size=1, max_size=4).map(
        lambda pairs: "&".join(f"{quote(name)}={quote(value, safe='')}" for name, value in pairs)
    )
    every_query_answers(admin_client, url, queries)


def test_the_reported_admin_filter_values_are_a_clean_answer(admin_client, some_content):
    for query in ("year=%C2%B2", "year=0000", "publication_date__year=9999",
                  "publication_date__year=9999&publication_date__month=12"):
        response = admin_client.get(f"/admin/publications/publication/?{query}")
        assert response.status_code == 302 and response["Location"].endswith("?e=1"), query


@pytest.mark.parametrize("label", sorted(MODEL_ADMINS))
def test_a_nul_character_in_any_admin_list_search_is_a_clear_bad_request(admin_client, label):
    """PostgreSQL cannot hold NUL in text, so a search for one would fail in the database;
    every list refuses it up front, alike on every database."""
    model_admin = MODEL_ADMINS[label]
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
    response = admin_client.get(f"{url}?{SEARCH_VAR}=a%00b")
    if response.status_code == 302:  # a "list" that only leads to its one item (site texts)
        assert "%00" not in response["Location"], url
        return
    assert response.status_code == 400, url
    assert b"NUL character" in response.content


# Lookups on any date field, typed into the address whether or not a filter offers them:
# Django turns them into dates or SQL only while the page renders.
DATE_LOOKUPS = [
    ("year", "99999"), ("year", "0"), ("year", "10000"), ("year", "-1"), ("month", "13"),
    ("day", "0"), ("day", "32"), ("year__gt", "99999"), ("year__in", "99999999999999999999"),
    ("year__range", "0"), ("range", "2024-01-01,99999-01-01"), ("gte", "99999-01-01"),
    ("lt", "0000-00-00"), ("date", "2024-02-30"), ("iso_year", "-5"),
    ("week", "99999999999999999999"),
]
LOOKUP_NAMES = sorted({name for name, _ in DATE_LOOKUPS} | {
    "quarter", "week_day", "iso_week_day", "hour", "minute", "date__gt", "year__lte", "in",
    "exact", "isnull", "month__in", "day__range",
})


def date_fields(model_admin):
    return sorted(
        field.name for field in model_admin.model._meta.get_fields()
        if isinstance(field, models.DateField) and not field.is_relation
    )


@pytest.mark.parametrize(
    "label", sorted(label for label, model_admin in MODEL_ADMINS.items() if date_fields(model_admin))
)
def test_any_date_lookup_on_any_date_field_of_every_admin_list(admin_client, some_content, label):
    model_admin = MODEL_ADMINS[label]
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
    fields = date_fields(model_admin)
    for field in fields:
        for lookup, value in DATE_LOOKUPS:
            query = f"{field}__{lookup}={quote(value, safe='')}"
            response = admin_client.get(f"{url}?{query}")
            assert response.status_code < 500, f"{url}?{query}"

    values = st.one_of(
        st.integers().map(str), st.sampled_from([value for _, value in DATE_LOOKUPS]),
        st.lists(st.integers(-99999, 99999).map(str), max_size=3).map(",".join),
        st.text(max_size=12),
    )
    queries = st.lists(
        st.tuples(st.sampled_from(fields), st.sampled_from(LOOKUP_NAMES), values),
        min_size=1, max_size=3,
    ).map(lambda triples: "&".join(
        f"{field}__{lookup}={quote(value, safe='')}" for field, lookup, value in triples
    ))
    every_query_answers(admin_client, url, queries)


def test_the_reported_date_lookups_are_a_clean_answer(admin_client):
    for url in ("/admin/consent/consentrecord/?created_at__year=99999",
                "/admin/consent/consentrecord/?created_at__year=0",
                "/admin/auth/user/?date_joined__year=10000"):
        response = admin_client.get(url)
        assert response.status_code == 302 and response["Location"].endswith("?e=1"), url
