"""A French translation of two chapters: /fr/ readers get French where it exists and the
English sections, marked lang="en" with a notice, elsewhere; hreflang alternates and the
sitemap list each chapter in the languages it exists in."""

import re

import pytest
from django.contrib.auth.models import Permission

from tests.editions_helpers import imported, publish, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(editor):
    editor.user_permissions.add(Permission.objects.get(codename="publish_editionversion"))
    return editor


def french(text):
    """Chapters 1 and 2 "translated": French titles and text, the identifiers kept."""
    text = text.split("\n# Chapter 3 ")[0]
    text = text.replace("\ntitle: A sample report\n", "\ntitle: Un rapport d'exemple\n", 1)
    text = re.sub(r"(?m)^# Chapter (\d) findings", r"# Constats du chapitre \1", text)
    text = re.sub(r"(?m)^## Topic (\d\.\d) in depth", r"## Sujet \1 en détail", text)
    return re.sub(r"(?m)^([A-Z][a-z]+ )", r"En français : \1", text)


@pytest.fixture
def editions(tmp_path, make_publication, publisher):
    publication = make_publication(slug="report")
    path, _ = sample(tmp_path, chapters=3, sections=2, figures=1, tables=1)
    english = publish(imported(path, publication), publisher)
    path.write_text(french(path.read_text()))
    translation = publish(imported(path, publication, language="fr"), publisher)
    return english, translation


def test_french_chapters_in_french_the_others_in_english_marked_as_such(client, editions):
    english, translation = editions
    assert sorted(translation.chapters.values_list("identifier", flat=True)) == ["chapter-1", "chapter-2"]
    assert set(translation.sections.filter(level=2).values_list("identifier", flat=True)) == {
        "sec-1-1", "sec-1-2", "sec-2-1", "sec-2-2"
    }

    page = client.get("/fr/publication/report/read/chapter-1/").text
    assert "Constats du chapitre 1" in page and "Sujet 1.1 en détail" in page
    assert 'lang="en"' not in page.split('<article class="reader-chapter"')[1]
    assert "not translated" not in page and "pas encore traduites" not in page
    assert ">Sommaire</summary>" in page and "Chapitre suivant" in page  # the interface in French
    assert '<p class="reader-kicker"><a href="/fr/publication/report/read/">Un rapport d’exemple</a>' in page

    page = client.get("/fr/publication/report/read/chapter-3/").text
    assert '<h1 lang="en" dir="ltr">' in page
    sections = re.findall(r'<section class="reader-section"[^>]*>', page)
    assert sections and all('lang="en"' in s for s in sections)
    assert 'class="reader-notice"' in page and "pas encore traduites" in page

    home = client.get("/fr/publication/report/read/").text
    assert "Constats du chapitre 2" in home and "Chapter 3 findings" in home

    for language in ("fr", "es", "ar"):
        assert f'hreflang="{language}" href="http://127.0.0.1:8000/{language}/publication/report/read/chapter-3/"' in page


def test_the_sitemap_lists_each_chapter_in_the_languages_it_exists_in(client, editions):
    sitemap = client.get("/sitemap.xml").text
    for chapter in ("chapter-1", "chapter-2", "chapter-3"):
        assert f"<loc>http://127.0.0.1:8000/publication/report/read/{chapter}/</loc>" in sitemap
    assert "<loc>http://127.0.0.1:8000/fr/publication/report/read/chapter-1/</loc>" in sitemap
    assert "<loc>http://127.0.0.1:8000/fr/publication/report/read/chapter-2/</loc>" in sitemap
    assert "/fr/publication/report/read/chapter-3/" not in sitemap


def test_search_on_fr_finds_french_sections_and_english_only_where_untranslated(client, tmp_path, make_publication, publisher):
    from django.test import TestCase

    publication = make_publication(slug="report")
    path, _ = sample(tmp_path, chapters=3, sections=2, figures=1, tables=1)
    text = path.read_text()
    for section in ("sec-1-1", "sec-3-1"):
        text = text.replace(f"{{#{section}}}\n\n", f"{{#{section}}}\n\nThe quokkanomics of compute.\n\n", 1)
    path.write_text(text)
    with TestCase.captureOnCommitCallbacks(execute=True):
        publish(imported(path, publication), publisher)
    path.write_text(french(text))  # sec-1-1 translated (its text keeps the word), sec-3-1 not
    with TestCase.captureOnCommitCallbacks(execute=True):
        publish(imported(path, publication, language="fr"), publisher)

    def found(prefix):
        html = client.get(f"{prefix}/search/", {"q": "quokkanomics", "kind": "section"}).text
        return sorted(re.findall(r'<h3 class="search-result__title"><a href="([^"]*)"', html))

    # In French: the translated section once, in French; the untranslated one in English.
    assert found("/fr") == ["/fr/publication/report/read/chapter-1/#sec-1-1", "/publication/report/read/chapter-3/#sec-3-1"]
    assert found("") == ["/publication/report/read/chapter-1/#sec-1-1", "/publication/report/read/chapter-3/#sec-3-1"]


@pytest.mark.presentation
def test_reading_pages_in_english_french_and_arabic_pass_the_nu_html_checker(client, editions, tmp_path):
    from tests.test_visitor_reads_every_language_without_stray_english import nu_errors

    pages = {}
    for prefix in ("", "/fr", "/ar"):
        for path in ("", "chapter-1/", "chapter-3/", "fig-1/", "tbl-1/", "sec-1-1/cite/", "references/",
                     "versions/", "v1/changes/"):
            address = f"{prefix}/publication/report/read/{path}"
            response = client.get(address)
            assert response.status_code == 200, address
            pages[address] = response.content.decode()
    folder = tmp_path / "pages"
    folder.mkdir()
    errors = nu_errors(pages, folder)
    assert not errors, "\n".join(errors)
