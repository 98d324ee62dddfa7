"""A visitor who navigates by keyboard, in real Chromium."""

import pytest
from playwright.sync_api import expect

from publications.seed import load_seed_content

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_presses_tab_once_and_skips_to_the_main_content(live_server, page):
    load_seed_content()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/#main")
    expect(page.locator("main")).to_be_focused()
