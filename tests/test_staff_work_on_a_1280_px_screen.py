"""Staff work on a 1280 px screen in real Chromium, whatever fonts the machine has: every
change list and the publication's documents table fit beside the navigation sidebar and
the filters, and the dashboard's consent figures keep their headings whole."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consent.models import ConsentRecord
from publications.models import PublicationDocument
from tests.conftest import FONTS_OF_A_BARE_MACHINE, SAME_ORIGIN, force_font, signed_in_page
from tests.test_editor_manages_content import pdf_bytes
from tests.test_staff_walk_every_admin_page import admin_pages, seeded, user_for  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed"), pytest.mark.presentation]

NOTHING_SCROLLS_SIDEWAYS = """selector => {
  const box = document.querySelector(selector);
  return document.documentElement.scrollWidth <= window.innerWidth
    && box.scrollWidth <= box.clientWidth;
}"""

# Each heading's text in as many lines as it has words at most: a word broken across lines
# (a squeezed column) makes more.
SQUEEZED_HEADINGS = """selector => [...document.querySelectorAll(selector)].filter(cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
  return lines.size > cell.innerText.trim().split(/\\s+/).length;
}).map(cell => cell.innerText)"""


def test_every_change_list_fits_beside_the_navigation_sidebar_and_the_filters(
    seeded, browser, live_server, django_user_model  # noqa: F811
):
    page = signed_in_page(browser, live_server, user_for("superuser", django_user_model))
    lists = [url for _key, kind, url in admin_pages() if kind == "changelist"]
    overflowing = {}
    for url in lists:
        page.goto(live_server.url + url)
        if not page.locator("#changelist .results").count():
            continue  # a list that leads to its only record (the site texts)
        for font in [None, *FONTS_OF_A_BARE_MACHINE]:
            if font:
                force_font(page, font)
            if not page.evaluate(NOTHING_SCROLLS_SIDEWAYS, "#changelist .results"):
                overflowing.setdefault(url, []).append(font)
    assert len(lists) >= 10
    assert overflowing == {}
    page.context.close()


def test_the_documents_table_fits_beside_the_navigation_sidebar(
    browser, live_server, editor, make_publication
):
    publication = make_publication(slug="a-publication-with-a-rather-long-address-for-its-files")
    PublicationDocument.objects.create(
        publication=publication, document_type="policymakers-summary", language="zh-hans",
        label="Annex: list of contributors, their affiliations and their declared interests",
        file=SimpleUploadedFile("summary.pdf", pdf_bytes(3), content_type="application/pdf"),
    )
    page = signed_in_page(browser, live_server, editor)
    page.goto(f"{live_server.url}/admin/publications/publication/{publication.pk}/change/")
    assert page.locator("#nav-sidebar").is_visible()
    assert page.locator("#documents-group tbody tr.has_original").count() == 1
    for font in [None, *FONTS_OF_A_BARE_MACHINE]:
        if font:
            force_font(page, font)
        assert page.evaluate(NOTHING_SCROLLS_SIDEWAYS, "#documents-group"), font
        assert page.evaluate(SQUEEZED_HEADINGS, "#documents-group thead th") == [], font
    page.context.close()


def test_the_dashboards_consent_figures_keep_their_headings_whole(
    browser, live_server, admin_user, client
):
    client.post("/consent/", {"action": "accept", "next": "/"}, headers=SAME_ORIGIN)
    assert ConsentRecord.objects.count() == 1
    page = signed_in_page(browser, live_server, admin_user)
    page.goto(live_server.url + "/admin/")
    headings = page.locator(".dashboard-panel table thead th")
    assert "EMBEDDED EXTERNAL CONTENT" in headings.all_inner_texts()  # in capitals
    for font in [None, *FONTS_OF_A_BARE_MACHINE]:
        if font:
            force_font(page, font)
        assert page.evaluate(SQUEEZED_HEADINGS, ".dashboard-panel table thead th") == [], font
    page.context.close()
