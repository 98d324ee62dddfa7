"""Editors translate the site's content in the admin (one set of fields per language); a
visitor reads each text in the page's language, or the English one marked lang="en"."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from consent.models import ConsentRecord, Purpose, ShownTexts
from publications.models import Publication, SiteContent
from tests.conftest import SAME_ORIGIN
from tests.test_editor_drafts_live_content import change_form_data, change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]

LANGUAGE_ROOTS = ["/", "/fr/", "/es/", "/ru/", "/zh-hans/", "/ar/"]


def element_with(html, text):
    """The two opening tags just before `text` in the page's body (its element's and the
    one before, e.g. a link's parent or a rendered paragraph's container)."""
    body = html[html.index("<body"):]
    assert text in body, f"{text!r} is not on the page"
    tags = re.findall(r"<(?!/)[^<>]+>", body[: body.index(text)])
    return " ".join(tags[-2:])


def test_a_french_title_entered_in_the_admin_shows_on_french_pages_only(
    editor_client, make_publication
):
    publication = make_publication(title="Key update on risks")
    url = change_url(publication)
    # The edit page has the French fields, in their own group, and no outside script.
    page = editor_client.get(url).content.decode()
    assert 'name="title_fr"' in page and "French (Français)" in page
    assert "jquery-ui" not in page.lower() and "code.jquery.com" not in page

    # Saved as a draft first: nobody sees the French title yet.
    response = editor_client.post(
        url, change_form_data(editor_client, url, title_fr="Point sur les risques", _save_draft="1")
    )
    assert response.status_code == 302
    assert "Point sur les risques" not in Client().get(f"/fr/publication/{publication.slug}/").content.decode()
    # The French preview shows it, in French.
    preview = editor_client.get(f"/fr/preview/publication/{publication.pk}/").content.decode()
    assert "<h1>Point sur les risques</h1>" in preview

    response = editor_client.post(url, change_form_data(editor_client, url, _publish="1"))
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title_fr == "Point sur les risques" and publication.draft is None

    visitor = Client()
    french = visitor.get(f"/fr/publication/{publication.slug}/").content.decode()
    assert "<h1>Point sur les risques</h1>" in french
    assert "Point sur les risques" in visitor.get("/fr/").content.decode()
    for root in ["/", "/es/", "/ru/", "/zh-hans/", "/ar/"]:
        html = visitor.get(f"{root}publication/{publication.slug}/".replace("//", "/")).content.decode()
        assert "Point sur les risques" not in html, root
        assert "Key update on risks" in html, root


def test_an_untranslated_summary_shows_the_english_text_marked_as_english(make_publication):
    publication = make_publication(summary="An English-only summary.", summary_fr="Un résumé.")
    spanish = Client().get(f"/es/publication/{publication.slug}/").content.decode()
    tag = element_with(spanish, "An English-only summary.")
    assert 'lang="en"' in tag and 'dir="ltr"' in tag
    # A translated text carries no mark; nor does English on English pages.
    french = Client().get(f"/fr/publication/{publication.slug}/").content.decode()
    assert 'lang="en"' not in element_with(french, "Un résumé.")
    english = Client().get(f"/publication/{publication.slug}/").content.decode()
    assert 'lang="en"' not in element_with(english, "An English-only summary.")
    # On a right-to-left page the English text keeps its direction.
    arabic = Client().get(f"/ar/publication/{publication.slug}/").content.decode()
    assert 'dir="ltr"' in element_with(arabic, "An English-only summary.")


def test_editing_a_translation_makes_the_pages_stale_in_every_language(
    editor_client, make_partner
):
    partner = make_partner(name="Gamma Institute", description="Research on AI.")
    visitor = Client()
    for _ in range(2):  # the first views make the logo's renditions
        for root in LANGUAGE_ROOTS:
            visitor.get(root)
    for root in LANGUAGE_ROOTS:
        assert visitor.get(root)["X-Page-Cache"] == "hit", root
    url = change_url(partner)
    response = editor_client.post(
        url, change_form_data(editor_client, url, description_ru="Исследования ИИ.", _publish="1")
    )
    assert response.status_code == 302
    for root in LANGUAGE_ROOTS:
        response = visitor.get(root)
        assert response["X-Page-Cache"] == "miss", root
    assert "Исследования ИИ." in visitor.get("/ru/").content.decode()
    assert "Исследования ИИ." not in visitor.get("/").content.decode()


def test_the_admin_says_which_languages_are_complete_and_filters_missing_ones(
    editor_client, make_publication
):
    complete = make_publication(
        title="Complete",
        **{f"{field}_{code}": "x" for field in ("title", "summary", "cover_alt")
           for code in ("fr", "es", "ru", "zh_hans", "ar")},
    )
    no_french = make_publication(
        title="Without French",
        **{f"{field}_{code}": "x" for field in ("title", "summary", "cover_alt")
           for code in ("es", "ru", "zh_hans", "ar")},
    )
    listing = editor_client.get("/admin/publications/publication/").content.decode()
    assert "Missing: French" in listing and "Complete" in listing
    assert "Missing French" in listing  # the filter's choice
    filtered = editor_client.get("/admin/publications/publication/?missing=fr").content.decode()
    assert "Without French" in filtered and f"/{complete.pk}/change/" not in filtered
    spanish = editor_client.get("/admin/publications/publication/?missing=es").content.decode()
    assert f"/{no_french.pk}/change/" not in spanish and f"/{complete.pk}/change/" not in spanish
    assert editor_client.get("/admin/publications/publication/?missing=xx").status_code in (200, 302)

    found = editor_client.get("/admin/publications/publication/?q=Point+sur").content.decode()
    assert "Complete" not in found and "0 results" in found
    Publication.objects.filter(pk=no_french.pk).update(title_es="Punto sobre los riesgos")
    found = editor_client.get("/admin/publications/publication/?q=Punto+sobre").content.decode()
    assert f"/{no_french.pk}/change/" in found and f"/{complete.pk}/change/" not in found

    box = editor_client.get(change_url(no_french)).content.decode()
    assert "French (Français): missing title, summary, front cover alt text" in box
    assert "Spanish (Español): complete" in box


def test_a_draft_carries_every_language_and_history_shows_the_translation(
    editor_client, make_partner
):
    partner = make_partner(name="Delta Lab")
    url = change_url(partner)
    editor_client.post(url, change_form_data(editor_client, url, name_zh_hans="德尔塔实验室", _save_draft="1"))
    partner.refresh_from_db()
    assert partner.draft["name_zh_hans"] == "德尔塔实验室" and partner.name_zh_hans in (None, "")
    assert partner.with_draft().name_zh_hans == "德尔塔实验室"
    history = editor_client.get(f"/admin/publications/partnerorganisation/{partner.pk}/history/")
    assert "<ins>德尔塔实验室</ins>" in history.content.decode()


def test_site_texts_are_translated_and_fall_back_per_field(editor_client):
    site = SiteContent.load()
    site.about_text_en = "About the report."
    site.hero_title_fr = "Rapport international sur la sécurité de l’IA"
    site.save()
    html = Client().get("/fr/").content.decode()
    assert 'lang="en"' not in element_with(html, "Rapport international sur la sécurité de l’IA")
    assert 'lang="en"' in element_with(html, "About the report.")
    # The English defaults of a new record are not French translations.
    assert 'lang="en"' in element_with(html, "About the International AI Safety Report")
    assert SiteContent.load().about_heading_fr in (None, "")


def test_privacy_officers_word_purposes_in_every_language_and_records_prove_it(
    privacy_officer_client,
):
    # The seeded purposes arrive translated (data migration from the former catalogues).
    analytics = Purpose.objects.get(slug="analytics")
    assert analytics.name_en == "Analytics" and analytics.name_fr == "Mesure d’audience"
    assert analytics.name_zh_hans == "统计分析"

    url = f"/admin/consent/purpose/{analytics.pk}/change/"
    response = privacy_officer_client.post(
        url,
        change_form_data(privacy_officer_client, url, name_fr="Statistiques de visite"),
    )
    assert response.status_code == 302
    visitor = Client()
    page = visitor.get("/fr/privacy/").content.decode()
    assert "Statistiques de visite" in page
    shown = page.split('name="shown" value="')[1].split('"')[0]
    response = visitor.post(
        "/fr/consent/",
        {"action": "decline", "next": "/fr/", "shown": shown},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 303
    record = ConsentRecord.objects.get()
    assert record.language == "fr"
    texts = ShownTexts.objects.get(fingerprint=record.texts_fingerprint).content
    assert {"Statistiques de visite"} <= {purpose["name"] for purpose in texts["purposes"]}
    call_command("verify_consent_records")


def test_a_partner_without_translations_falls_back_on_the_landing_page(make_partner):
    make_partner(name="Epsilon Centre", description="Independent research.")
    html = Client().get("/ru/").content.decode()
    assert 'lang="en"' in element_with(html, "Epsilon Centre")
