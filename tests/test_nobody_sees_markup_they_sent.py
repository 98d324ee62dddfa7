"""Whatever markup someone puts into a parameter of any page (a phishing link sends a
privacy officer to `…/overview/?language=<h1>Session expired</h1><meta http-equiv=refresh…>`),
no answer renders it: an error that repeats what was sent is plain text, and HTML answers
escape it. Every public route and every admin page of every registered model are tried,
each parameter they read (their filters too) and the ones Django and bots use.
"""

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.test import Client

from tests.test_staff_filters_admin_lists_with_any_value import query_parameters
from tests.test_staff_walk_every_admin_page import admin_pages, seeded  # noqa: F401
from tests.test_visitor_sends_any_query_string import address, public_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]

PAYLOAD = (
    '<h1>Session expired</h1><meta http-equiv="refresh" content="1;url=http://127.0.0.1:9/phish">'
)
LIVE_MARKUP = ("<h1>Session expired", "<meta http-equiv")
# Names pages, the admin and bots use (each admin list's filters are added to these).
NAMES = [
    "language", "next", "q", "o", "p", "e", "all", "page", "kind", "year", "format",
    "_changelist_filters", "_popup", "_to_field", "action", "term", "app_label", "model_name",
    "field_name", "utm_source",
]


def rendered_markup(response):
    """The payload as live markup in an HTML answer, or None."""
    content_type = response.get("Content-Type", "")
    if "html" not in content_type:
        return None
    body = response.content.decode(errors="replace")
    found = [marker for marker in LIVE_MARKUP if marker in body]
    return f"{response.status_code} {content_type}: {found}" if found else None


def sent(*names):
    """A query string with the payload in each of `names`."""
    return "&".join(f"{quote(name)}={quote(PAYLOAD, safe='')}" for name in names)


def reflected(client, urls, queries):
    """Every (URL?query, what rendered) where the payload came back as markup."""
    found = []
    for url in urls:
        for query in queries:
            problem = rendered_markup(client.get(f"{url}?{query}"))
            if problem:
                found.append(f"{url}?{query[:60]}…: {problem}")
    return found


@pytest.mark.slow
def test_no_admin_page_renders_markup_sent_in_any_parameter(admin_client, seeded):  # noqa: F811
    found = []
    lists = {url for _, page, url in admin_pages() if page == "changelist"}
    for key, page, url in admin_pages():
        if page in ("add", "change", "history"):
            # Forms and histories read few parameters: all of them at once.
            found += reflected(admin_client, [url], [sent(*NAMES)])
            continue
        names = NAMES
        if page == "changelist":
            model_admin = next(a for m, a in admin.site._registry.items()
                               if m._meta.label_lower == key)
            names = NAMES + query_parameters(admin_client, model_admin)[1]
        found += reflected(admin_client, [url], [sent(name) for name in names])
    # And the autocomplete endpoint, which answers JSON errors of its own.
    found += reflected(admin_client, ["/admin/autocomplete/"], [sent(name) for name in NAMES])
    assert lists and found == []


@pytest.mark.slow
def test_no_public_page_renders_markup_sent_in_any_parameter_or_its_address(seeded):  # noqa: F811
    from publications.models import Publication

    publication = Publication.objects.published().first()
    urls = [address(route, publication) for route, _ in public_routes()]
    found = reflected(Client(), urls, [sent(name) for name in NAMES])
    # In the address itself (a slug, a media path, a language prefix).
    for url in (f"/publication/{quote(PAYLOAD, safe='')}/", f"/media/{quote(PAYLOAD)}",
                f"/fr/{quote(PAYLOAD, safe='')}/", f"/{quote(PAYLOAD, safe='')}"):
        problem = rendered_markup(Client().get(url))
        if problem:
            found.append(f"{url}: {problem}")
    # And in every field of a consent decision, posted as a form.
    for field in ("action", "next", "analytics", "embeds", "purposes", "version"):
        response = Client().post(
            "/consent/", f"action=custom&{field}={quote(PAYLOAD, safe='')}",
            content_type="application/x-www-form-urlencoded",
            headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        )
        problem = rendered_markup(response)
        if problem:
            found.append(f"POST /consent/ {field}: {problem}")
    assert found == []


def test_the_reported_overview_language_is_plain_text(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", password="x" * 20))
    response = client.get(f"/admin/consent/consentrecord/overview/?language={quote(PAYLOAD)}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
