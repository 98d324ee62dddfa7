"""Every cookie decision is confirmed where the visitor made it, in real Chromium, with
JavaScript and without: the banner, the settings dialog (from the banner or the footer
link), the privacy page, withdrawal included. The confirmation takes the banner's place at
the top of the page, says what was saved, is announced (role=status) and has focus; it
shows once and never reaches another visitor through the page cache."""

import re

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed")]

SAVED = "Your choices have been saved."
SHOWN = f">{SAVED}</p>"  # the status's text (the message is also in a data attribute)
ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}


@pytest.fixture(params=["js", "no-js"])
def visitor(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=request.param == "js"
    )
    page = context.new_page()
    page.javascript = request.param == "js"
    yield page
    context.close()


def banner(page):
    return page.locator("[data-consent-banner]")


def expect_confirmed(page, *lines):
    status = page.locator("#consent-status")
    expect(status).to_have_attribute("role", "status")  # announced by screen readers
    expect(status).to_have_text(SAVED)
    expect(status).to_be_in_viewport()
    expect(status).to_be_focused()
    assert status.evaluate("s => getComputedStyle(s).outlineStyle") != "none"
    details = page.locator("#consent-saved")
    expect(details).to_be_visible()
    for line in lines:
        expect(details).to_contain_text(line)
    expect(details.get_by_role("link", name="cookie settings")).to_be_visible()


def expect_no_confirmation(page):
    expect(page.locator("#consent-status")).to_have_text("")
    expect(page.locator("#consent-saved")).to_be_hidden()


def test_a_decision_in_the_banner_is_confirmed_in_its_place(visitor):
    visitor.goto("/")
    banner(visitor).get_by_role("button", name="Decline").click()
    expect(banner(visitor)).to_have_count(0)
    expect_confirmed(visitor, "Analytics: refused", "Embedded external content: refused")
    # In the banner's place: first in the page, above the site's header.
    assert visitor.locator("[data-consent-confirmation]").evaluate(
        "c => c.compareDocumentPosition(document.querySelector('header')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    visitor.get_by_role("link", name="Hide this message").click()
    expect_no_confirmation(visitor)
    visitor.goto("/publications/")  # shown once
    expect_no_confirmation(visitor)
    expect(banner(visitor)).to_have_count(0)


def test_withdrawal_on_the_privacy_page_is_confirmed_there(visitor):
    visitor.goto("/")
    banner(visitor).get_by_role("button", name="Accept").click()
    expect_confirmed(visitor, "Analytics: allowed")
    visitor.goto("/privacy/")
    expect_no_confirmation(visitor)
    settings_form = visitor.locator("#cookie-settings")
    settings_form.get_by_role("button", name="Decline all").click()
    expect(visitor).to_have_url(re.compile(r"/privacy/$"))
    expect_confirmed(visitor, "Analytics: refused")
    assert [r.action for r in ConsentRecord.objects.order_by("sequence")] == ["accept_all", "withdraw"]
    expect(settings_form.get_by_role("switch", name="Analytics")).not_to_be_checked()
    visitor.reload()
    expect_no_confirmation(visitor)


def test_saving_switches_on_the_privacy_page_is_confirmed(visitor):
    visitor.goto("/privacy/")
    settings_form = visitor.locator("#cookie-settings")
    settings_form.get_by_role("switch", name="Analytics").check()
    settings_form.get_by_role("button", name="Save choices").click()
    expect_confirmed(visitor, "Analytics: allowed", "Embedded external content: refused")


def test_choices_made_in_the_dialog_are_confirmed(page, live_server):
    page.goto(live_server.url + "/")
    banner(page).get_by_role("button", name="Customize").click()
    dialog = page.get_by_role("dialog", name="Cookie settings")
    dialog.get_by_role("switch", name="Analytics").check()
    dialog.get_by_role("button", name="Save choices").click()
    expect(dialog).to_be_hidden()
    expect_confirmed(page, "Analytics: allowed")

    # Withdrawing through the footer link reloads the page, which confirms it too.
    page.get_by_role("contentinfo").get_by_role("link", name="Cookie settings").click()
    dialog.get_by_role("switch", name="Analytics").uncheck()
    dialog.get_by_role("button", name="Save choices").click()
    expect_confirmed(page, "Analytics: refused")
    assert ConsentRecord.objects.order_by("sequence").last().action == "withdraw"


def test_escape_discards_switch_changes_that_were_not_saved(page, live_server):
    page.goto(live_server.url + "/")
    banner(page).get_by_role("button", name="Customize").click()
    dialog = page.get_by_role("dialog", name="Cookie settings")
    analytics = dialog.get_by_role("switch", name="Analytics")
    analytics.check()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    banner(page).get_by_role("button", name="Customize").click()
    expect(analytics).not_to_be_checked()
    dialog.get_by_role("button", name="Close").click()
    assert ConsentRecord.objects.count() == 0


def test_the_confirmation_is_shown_once_and_never_cached_for_others(client):
    client.get("/")  # the page with the banner, now in the cache
    response = client.post("/consent/", {"action": "decline", "next": "/"}, headers=ORIGIN)
    assert response.status_code == 303 and response.cookies["consent-saved"].value
    confirmed = client.get("/")
    html = confirmed.content.decode()
    assert SHOWN in html and "consent-banner" not in html
    assert "no-cache" in confirmed["Cache-Control"] and "X-Page-Cache" not in confirmed
    assert confirmed.cookies["consent-saved"]["max-age"] == 0  # shown once
    # The same consent state without the notice: the cached page, no message.
    client.cookies.pop("consent-saved", None)
    for _ in range(2):
        again = client.get("/")
        assert SHOWN not in again.content.decode()
    assert again["X-Page-Cache"] == "hit"
