"""The small things staff read on admin pages: help texts shown as written, the translations
box once, the site's languages first, times that name their zone, and a refusal in the
admin's own look with a way back."""

import re
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from reportsite.forbidden import permission_denied
from tests.test_staff_walk_every_admin_page import admin_pages, seeded, user_for  # noqa: F401

pytestmark = pytest.mark.django_db

ADD = "/admin/publications/publication/add/"


def text_of(response):
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_translations_box_is_shown_once_on_every_add_and_change_page(
    seeded, django_user_model  # noqa: F811
):
    client = Client()
    client.force_login(user_for("superuser", django_user_model))
    seen = {}
    for _key, kind, url in admin_pages():
        if kind in ("add", "change"):
            response = client.get(url, follow=True)
            seen[url] = len(re.findall(r"Translations\s*:", text_of(response)))
    assert seen["/admin/consent/purpose/add/"] == 1
    assert {url: count for url, count in seen.items() if count > 1} == {}


def test_the_slug_help_text_shows_its_placeholder(editor_client):
    response = editor_client.get(ADD)
    assert "/publication/&lt;slug&gt;/" in response.content.decode()
    assert "The publication's address: /publication/<slug>/." in text_of(response)


def test_the_document_language_list_offers_the_sites_languages_first(editor_client):
    html = editor_client.get(ADD).content.decode()
    select = re.search(r'<select name="documents-__prefix__-language".*?</select>', html, re.S)[0]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [unescape(label) for label, _ in groups] == ["The site's languages", "Other languages"]
    site = re.findall(r'<option value="([^"]+)"', groups[0][1])
    assert site == ["en", "fr", "es", "ru", "zh-hans", "ar"]
    assert "de" in re.findall(r'<option value="([^"]+)"', groups[1][1])


def test_go_live_and_expiry_inputs_name_the_time_zone(editor_client, settings):
    settings.TIME_ZONE = "Europe/Paris"
    html = editor_client.get(ADD).content.decode()
    for field in ("publish_at", "expire_at"):
        assert re.search(rf'<label for="id_{field}_1">Time \(Europe/Paris\):</label>', html), field


def test_a_restore_message_names_the_time_zone(editor_client, editor, make_publication, settings):
    from editorial import history

    settings.TIME_ZONE = "Europe/Paris"
    publication = make_publication()
    history.record(publication, editor, "Published.")
    publication.summary = "A newer summary."
    publication.save()
    history.record(publication, editor, "Published.")
    page = editor_client.get(f"/admin/publications/publication/{publication.pk}/history/")
    restore = re.findall(r'action="([^"]+/restore/)"', page.content.decode())[0]
    message = text_of(editor_client.post(restore, follow=True))
    assert re.search(r"The revision of \d+ \w+ \d{4}, \d\d:\d\d CES?T is now the draft", message)


def test_an_editor_refused_a_page_gets_the_admins_page_with_a_way_back(editor_client):
    came_from = "http://testserver/admin/publications/publication/"
    response = editor_client.get("/admin/consent/purpose/", headers={"Referer": came_from})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="site-name"' in html and "<h1>You may not open this page</h1>" in html
    assert f'<a href="{came_from}">Back to the page you came from</a>' in html
    assert '<a href="/admin/">Go to the admin home</a>' in html

    # A link from elsewhere is not offered as the way back.
    response = editor_client.get("/admin/consent/purpose/", headers={"Referer": "https://evil.example/"})
    assert response.status_code == 403 and "evil.example" not in response.content.decode()


def test_a_refusal_outside_the_admin_stays_djangos(client, editor):
    """Only staff on admin pages get the admin's look (it names the account)."""
    client.force_login(editor)
    request = client.get("/").wsgi_request
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403 and b'id="site-name"' not in response.content
