"""A privacy officer reads consent records in real Chromium, on a 1280 px wide screen."""

import datetime
import os
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from consent import chain
from consent.models import ConsentRecord, ShownTexts
from tests.conftest import FONTS_OF_A_BARE_MACHINE, force_font, signed_in_page

pytestmark = pytest.mark.usefixtures("consent_seed")

LONG_PATH = "/publications/international-ai-safety-report-2025/interim-report-on-the-safety-of-advanced-ai/"
LONG_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture
def officer_page(browser, live_server, django_user_model):
    user = django_user_model.objects.create_user("officer", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_consentrecord"),
        Permission.objects.get(codename="view_consent_overview"),
    )
    page = signed_in_page(browser, live_server, user)
    yield page
    page.context.close()


def test_every_column_of_the_record_list_fits_a_1280_px_screen(officer_page, live_server):
    ShownTexts.objects.create(fingerprint="cd" * 32, content={"title": "Use of personal data"})
    for index in range(30):
        chain.append([ConsentRecord(
            consent_id=uuid.uuid4(), created_at=timezone.now() - datetime.timedelta(hours=index),
            policy_version=1, action=["accept_all", "decline_all", "custom", "withdraw"][index % 4],
            choices={"functional": True, "embeds": index % 2 == 0, "analytics": index % 3 == 0},
            gpc=index % 5 == 0, path=LONG_PATH, user_agent=LONG_AGENT, ip_hash="ab" * 32,
            texts_fingerprint="cd" * 32, language="fr",
        )])
    page = officer_page
    page.goto(live_server.url + "/admin/consent/consentrecord/")
    headers = page.locator("#result_list thead th").all_inner_texts()
    assert [h.strip().lower() for h in headers[1:]] == [
        "#", "made at", "consent id", "action", "policy version", "choices", "gpc",
        "language", "path", "texts shown",
    ]
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "consent-records-1280.png"),
                        full_page=False)
    assert_every_column_is_visible(page)
    # Whatever fonts the machine has: the two families Debian's chromium brings, forced.
    for font in FONTS_OF_A_BARE_MACHINE:
        force_font(page, font)
        assert_every_column_is_visible(page, font)
    first_row = page.locator("#result_list tbody tr").first
    assert "Analytics: allowed" in first_row.inner_text()
    # The texts fingerprint leads to the exact texts shown.
    first_row.get_by_role("link", name="cdcdcdcd").click()
    page.wait_for_url(f"**/admin/consent/showntexts/{'cd' * 32}/change/")
    assert "Use of personal data" in page.content()


def assert_every_column_is_visible(page, font="the page's own fonts"):
    """Nothing scrolls sideways: not the page, not the table within its box."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, font
    assert page.evaluate(
        "(() => { const box = document.querySelector('#changelist .results');"
        " return box.scrollWidth <= box.clientWidth; })()"
    ), font
    visible = page.locator("#changelist .results").bounding_box()
    for header in page.locator("#result_list thead th").all():
        box = header.bounding_box()
        assert box["x"] >= visible["x"], (font, header.inner_text())
        assert box["x"] + box["width"] <= visible["x"] + visible["width"] + 1, (font, header.inner_text())
