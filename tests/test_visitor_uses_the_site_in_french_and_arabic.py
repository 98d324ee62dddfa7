"""In real Chromium: a French visitor is asked in French and their refusal is proven in
French and honoured in every language; the Arabic site reads right to left, fits phones
and laptops, and passes axe-core with the banner and with the settings dialog open."""

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord, ShownTexts
from publications.seed import load_seed_content
from tests.accessibility import assert_axe_clean

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("consent_seed")]


def test_french_visitor_declines_in_french_and_is_not_asked_again_in_english(live_server, page):
    load_seed_content()
    page.goto(live_server.url + "/fr/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Dernières publications")).to_be_visible()
    expect(page.locator("time").first).to_have_text("25 novembre 2025")
    banner = page.locator("#consent-banner")
    expect(banner.get_by_role("heading")).to_have_text(
        "Utilisation des données personnelles et des cookies"
    )
    expect(banner).to_contain_text("Nous utilisons des cookies et traitons des données personnelles")
    banner.get_by_role("button", name="Refuser", exact=True).click()
    expect(banner).to_have_count(0)

    record = ConsentRecord.objects.get()
    assert record.language == "fr"
    assert record.action == ConsentRecord.Action.DECLINE_ALL
    texts = ShownTexts.objects.get(fingerprint=record.texts_fingerprint).content
    assert texts["title"] == "Utilisation des données personnelles et des cookies"
    assert texts["text"].startswith("Nous utilisons des cookies")
    assert texts["purposes"][2]["description"] == "Statistiques anonymes sur l’utilisation du site."

    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Latest publications")).to_be_visible()
    expect(page.locator("#consent-banner")).to_have_count(0)


def overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


ARABIC_PAGES = (
    "/ar/", "/ar/publications/", "/ar/publication/international-ai-safety-report-2025/",
    "/ar/privacy/",
)


# Each page is a subtest (reported on its own): the live site is made and emptied once per
# width, not once per page.
@pytest.mark.presentation
@pytest.mark.parametrize("width", [390, 1280])
def test_arabic_pages_read_right_to_left_fit_the_screen_and_pass_axe(
    live_server, page, width, subtests
):
    load_seed_content()
    page.set_viewport_size({"width": width, "height": 900})
    for path in ARABIC_PAGES:
        with subtests.test(path=path):
            page.goto(live_server.url + path)
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            expect(page.locator("html")).to_have_attribute("lang", "ar")
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
            assert overflow(page) <= 0
            assert_axe_clean(page)

            page.locator("#consent-banner").get_by_role("button", name="تخصيص").click()
            dialog = page.locator("#consent-dialog")
            expect(dialog).to_be_visible()
            expect(dialog.get_by_role("heading")).to_have_text("إعدادات ملفات تعريف الارتباط")
            assert overflow(page) <= 0
            assert_axe_clean(page)


@pytest.mark.presentation
def test_the_mirrored_layout_puts_the_site_name_on_the_right(live_server, page):
    load_seed_content()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/ar/")
    name = page.locator(".site-name").bounding_box()
    switch = page.locator(".language-switcher").bounding_box()
    assert name["x"] > switch["x"], "in Arabic the header starts on the right"
    # English content inside keeps its own direction.
    expect(page.locator(".publication-card__title").first).to_have_attribute("dir", "ltr")



@pytest.mark.presentation
@pytest.mark.parametrize("width", [390, 1280])
def test_french_spanish_russian_and_chinese_pages_pass_axe_with_the_banner_and_the_dialog(
    live_server, page, width, subtests
):
    load_seed_content()
    page.set_viewport_size({"width": width, "height": 900})
    for language in ("fr", "es", "ru", "zh-hans"):
        with subtests.test(language=language):
            for path in ("/", "/publications/", "/publication/international-ai-safety-report-2025/", "/privacy/"):
                page.goto(f"{live_server.url}/{language}{path}")
                expect(page.locator("html")).to_have_attribute("lang", language)
                assert_axe_clean(page, path)
            page.locator("#consent-banner [data-consent-open]").click()
            expect(page.locator("#consent-dialog")).to_be_visible()
            assert_axe_clean(page)
