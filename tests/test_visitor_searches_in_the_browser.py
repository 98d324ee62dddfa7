"""A visitor searches in Chromium: from the header by keyboard alone, with results that
follow the typing (announced through a live region), and pages that pass axe-core."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.accessibility import assert_axe_clean

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def searchable(make_publication):
    make_publication(
        title="Election security and general-purpose AI",
        summary="How AI systems affect elections and the security of voting.",
        title_ar="الذكاء الاصطناعي والأمان",
        summary_ar="تقرير عن مخاطر الذكاء الاصطناعي العام.",
        title_zh_hans="人工智能安全报告",
        summary_zh_hans="关于通用人工智能风险的科学综述。",
        publication_date=datetime.date(2025, 1, 29),
    )
    make_publication(title="Biological weapons", summary="Biological risks and safety.")


def test_visitor_searches_from_the_header_with_the_keyboard(live_server, page, searchable):
    page.goto(live_server.url + "/publications/")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-q":
            break
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("elections")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=elections")
    expect(page.locator("#search-status")).to_have_text("1 result")
    # The first result is reachable by keyboard and opens the publication.
    link = page.get_by_role("link", name="Election security and general-purpose AI")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/publication/publication-1/")


def test_results_follow_the_typing_and_are_announced(live_server, page, searchable):
    page.goto(live_server.url + "/search/")
    status = page.locator("#search-status")
    assert status.get_attribute("role") == "status"
    page.locator("#search-q").fill("biological")
    expect(status).to_have_text("1 result")
    expect(page.get_by_role("link", name="Biological weapons")).to_be_visible()
    assert page.url.endswith("/search/?q=biological")
    page.locator("#search-q").fill("the of")
    expect(status).to_contain_text("only very common words")
    expect(page.locator(".search-result")).to_have_count(0)


def test_search_works_without_javascript(live_server, browser, searchable):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/search/")
    page.locator("#search-q").fill("biological")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=biological")
    expect(page.get_by_role("link", name="Biological weapons")).to_be_visible()
    context.close()


def test_search_pages_pass_axe_in_english_arabic_and_chinese(live_server, page, searchable):
    for path in (
        "/search/",
        "/search/?q=elections",
        "/search/?q=nothingmatchesthis",
        "/search/?q=biologicel",
        "/ar/search/",
        "/ar/search/?q=الذكاء",
        "/ar/search/?q=biological",
        "/zh-hans/search/",
        "/zh-hans/search/?q=安全",
        "/zh-hans/search/?q=biological",
    ):
        page.goto(live_server.url + path)
        assert_axe_clean(page, path)
