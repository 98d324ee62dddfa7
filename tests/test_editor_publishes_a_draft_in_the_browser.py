"""In real Chromium: an editor changes the live annual report as a draft, previews it, shares
it with a reviewer, publishes it, and (with the history of issue 9) restores the old text.
An anonymous visitor, in a browser of their own, sees nothing of the draft until it is
published, page cache included."""

import pytest
from playwright.sync_api import expect

from publications.models import Publication
from publications.seed import load_seed_content
from tests.accessibility import assert_axe_clean
from tests.conftest import STAFF_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed")]

SLUG = "international-ai-safety-report-2025"
NEW_SUMMARY = "A revised summary of the first International AI Safety Report, for review."


@pytest.fixture
def contexts(browser, live_server):
    opened = []

    def new(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        opened.append(context)
        return context.new_page()

    yield new
    for context in opened:
        context.close()


def log_in(page, username="editor", password=STAFF_PASSWORD):
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()


def seen_by_visitor(page, path):
    """The text and page-cache answer a visitor gets for `path`."""
    response = page.goto(path)
    assert response.status == 200, path
    return response.headers.get("x-page-cache"), page.content()


def feed_of(page):
    response = page.request.get("/publications/feed/")
    assert response.ok
    return response.text()


@pytest.mark.slow
def test_editor_drafts_previews_shares_and_publishes_the_live_report(contexts, editor):
    load_seed_content()
    publication = Publication.objects.get(slug=SLUG)
    old_summary = publication.summary
    publication_path = publication.get_absolute_url()

    visitor = contexts()
    for path in ("/", publication_path):
        seen_by_visitor(visitor, path)  # the page cache now holds both pages
    cached, _ = seen_by_visitor(visitor, "/")
    assert cached == "hit"

    # The editor saves a change to the live summary as a draft.
    editor_page = contexts()
    log_in(editor_page)
    editor_page.goto("/admin/publications/publication/")
    row = editor_page.locator("tr", has_text="International AI Safety Report 2025")
    expect(row).to_contain_text("Live")
    assert_axe_clean(editor_page)
    row.get_by_role("link", name="International AI Safety Report 2025", exact=True).click()
    expect(editor_page.locator(".draft-status")).to_contain_text("Status: Live")
    editor_page.locator("#id_summary_en").fill(NEW_SUMMARY)
    editor_page.get_by_role("button", name="Save draft").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("Draft saved")
    expect(editor_page.locator(".draft-status")).to_contain_text("Live with unpublished changes")
    assert_axe_clean(editor_page)

    # The visitor sees the old text everywhere, still from the page cache.
    for path in ("/", publication_path):
        cached, html = seen_by_visitor(visitor, path)
        assert cached == "hit", f"saving a draft made the cached {path} stale"
        assert NEW_SUMMARY not in html and old_summary in html
    assert NEW_SUMMARY not in feed_of(visitor) and old_summary in feed_of(visitor)

    # The editor previews the draft through the public templates.
    editor_page.get_by_role("button", name="Preview", exact=True).click()
    expect(editor_page.locator(".publication__summary")).to_have_text(NEW_SUMMARY)
    expect(editor_page.locator(".preview-banner")).to_contain_text("Unpublished changes")
    expect(editor_page.locator('meta[name="robots"]')).to_have_attribute("content", "noindex")
    assert_axe_clean(editor_page)
    editor_page.get_by_role("link", name="Back to the edit page").click()

    # A reviewer without an account opens a shared link in a third browser.
    editor_page.get_by_role("button", name="Share preview").click()
    link = editor_page.locator(".draft-preview-links a").first
    share_url = link.get_attribute("href")
    reviewer = contexts()
    response = reviewer.goto(share_url)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in response.headers["x-robots-tag"]
    expect(reviewer.locator(".publication__summary")).to_have_text(NEW_SUMMARY)

    editor_page.get_by_role("button", name="Revoke").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("revoked")
    response = reviewer.goto(share_url)
    assert response.status == 410
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("Preview not available")
    assert NEW_SUMMARY not in reviewer.content()

    # The editor publishes; the visitor's next load shows the new text.
    editor_page.get_by_role("button", name="Publish", exact=True).click()
    expect(editor_page.locator(".draft-status")).to_contain_text("Status: Live.")
    for path in ("/", publication_path):
        cached, html = seen_by_visitor(visitor, path)
        assert cached == "miss" and NEW_SUMMARY in html, path
    assert NEW_SUMMARY in feed_of(visitor)

    # The editor restores the revision before the publication as a draft, and publishes it.
    editor_page.goto(f"/admin/publications/publication/{publication.pk}/history/")
    editor_page.get_by_role("button", name="Restore this revision as draft").first.click()
    expect(editor_page.locator(".draft-status")).to_contain_text("Live with unpublished changes")
    expect(editor_page.locator("#id_summary_en")).to_have_value(old_summary)
    cached, html = seen_by_visitor(visitor, publication_path)
    assert NEW_SUMMARY in html, "restoring a revision changed the live page"
    editor_page.get_by_role("button", name="Publish", exact=True).click()
    for path in ("/", publication_path):
        _, html = seen_by_visitor(visitor, path)
        assert old_summary in html and NEW_SUMMARY not in html, path
