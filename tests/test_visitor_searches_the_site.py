"""A visitor searches the site in any of its six languages: ranked results with highlighted
snippets, filters, counts, pages, "did you mean", and a clear answer to any input. The
same tests run on SQLite (FTS5) and, in CI's second stage, on PostgreSQL."""

import datetime
import re

import pytest
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from editorial.actions import Publish, SaveDraft, Unpublish
from publications.models import Publication, SiteContent
from search import engine

pytestmark = pytest.mark.django_db

BACKEND = connection.vendor  # the same expectations hold on "sqlite" and "postgresql"


def results(client, path, **query):
    response = client.get(path, query)
    assert response.status_code == 200, response.content.decode()[:500]
    html = response.content.decode()
    titles = re.findall(r'<h3 class="search-result__title"><a href="[^"]*">(.*?)</a></h3>', html)
    return [re.sub(r"</?mark>", "", title) for title in titles], html


@pytest.fixture
def publish(make_publication):
    def make(**fields):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return make_publication(**fields)

    return make


@pytest.fixture
def library(publish):
    """Publications whose texts exercise each language's rules."""
    publish(
        title="Election security and general-purpose AI",
        summary="How AI systems affect elections and the security of voting.",
        title_fr="Sécurité des élections et IA à usage général",
        summary_fr="Comment les systèmes d'IA affectent les élections et la sécurité électorale.",
        title_es="Riesgos de los sistemas de IA",
        summary_es="Los riesgos que plantean los sistemas de inteligencia artificial.",
        title_ru="Безопасность систем искусственного интеллекта",
        summary_ru="Обзор рисков и безопасности современных систем.",
        title_ar="الذكاء الاصطناعي والأمان",
        summary_ar="تقرير عن مخاطر الذكاء الاصطناعي العام.",
        title_zh_hans="人工智能安全报告",
        summary_zh_hans="关于通用人工智能风险的科学综述。",
        publication_date=datetime.date(2025, 1, 29),
    )
    publish(
        title="Biological weapons and cyber attacks",
        summary="Capabilities relevant to biological risks and offensive cyber operations.",
        kind=Publication.Kind.KEY_UPDATE,
        publication_date=datetime.date(2025, 10, 15),
    )


def test_english_words_match_their_inflected_forms_ranked_with_snippets(client, library):
    titles, html = results(client, "/search/", q="elected securities")
    assert titles == ["Election security and general-purpose AI"]
    assert "<mark>elections</mark>" in html and "<mark>security</mark>" in html
    assert '<p class="search__status" id="search-status" role="status">1 result</p>' in html
    assert 'href="/publication/publication-1/"' in html


def test_french_inflected_words(client, library):
    titles, html = results(client, "/fr/search/", q="électorales sécurité")
    assert titles == ["Sécurité des élections et IA à usage général"]
    assert "<mark>électorale</mark>" in html
    assert 'href="/fr/publication/publication-1/"' in html


def test_spanish_inflected_words(client, library):
    titles, _html = results(client, "/es/search/", q="riesgo sistema")
    assert titles == ["Riesgos de los sistemas de IA"]


def test_russian_inflected_words(client, library):
    titles, _html = results(client, "/ru/search/", q="безопасности")
    assert titles == ["Безопасность систем искусственного интеллекта"]


def test_arabic_with_and_without_the_article_and_diacritics(client, library):
    for query in ("ذكاء", "الذكاء", "الذَّكاء", "الأمان", "امان"):
        titles, _html = results(client, "/ar/search/", q=query)
        assert titles == ["الذكاء الاصطناعي والأمان"], query


def test_a_two_character_chinese_word(client, library):
    for query in ("安全", "智能", "人工智能", "风险"):
        titles, html = results(client, "/zh-hans/search/", q=query)
        assert titles == ["人工智能安全报告"], query
    _titles, html = results(client, "/zh-hans/search/", q="安全")
    assert "<mark>安全</mark>" in html
    assert results(client, "/zh-hans/search/", q="全报告书")[0] == []


def test_an_untranslated_publication_is_found_in_english_from_every_language(client, library):
    for prefix in ("/fr", "/es", "/ru", "/zh-hans", "/ar"):
        titles, html = results(client, f"{prefix}/search/", q="biological weapons")
        assert titles == ["Biological weapons and cyber attacks"], prefix
        assert '<li class="search-result" lang="en">' in html
    # A translated one is found in its page language only, not twice.
    titles, _html = results(client, "/fr/search/", q="élections")
    assert titles == ["Sécurité des élections et IA à usage général"]


def test_site_texts_are_found(client, library):
    SiteContent.objects.create(
        pk=1, about_heading_en="About the report", about_text_en="Written by over 100 independent experts."
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        SiteContent.load().save()
    titles, html = results(client, "/search/", q="independent experts")
    assert titles == ["About the report"]
    assert 'href="/#about"' in html
    # Found beside publications (which have a year; site texts have none).
    SiteContent.objects.filter(pk=1).update(about_text_en="Independent experts on election security.")
    with TestCase.captureOnCommitCallbacks(execute=True):
        SiteContent.load().save()
    titles, html = results(client, "/search/", q="security")
    assert sorted(titles) == ["About the report", "Election security and general-purpose AI"]
    assert "2025 <span" in html


def test_a_misspelling_gets_a_did_you_mean(client, library):
    titles, html = results(client, "/search/", q="biologicel")
    assert titles == []
    assert 'Did you mean <a href="?q=biological">biological</a>?' in html
    assert results(client, "/search/", q="biological")[0] == ["Biological weapons and cyber attacks"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("   ", "Type one or more words to search for."),
        ("the of and", "Your search has only very common words"),
        ("!!! … ,,, ???", "Your search has no words in it"),
        ("\x00", "Type one or more words to search for."),
        ("\x00security\x00", "1 result"),
    ],
)
def test_unsearchable_input_gets_a_clear_answer(client, library, query, message):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_an_empty_query_is_the_search_page_itself(client, library):
    """`?q=` names no search: its canonical address is /search/ (the page cache's rule, so
    that spellings of one page cannot flood the cache)."""
    response = client.get("/search/", {"q": ""})
    assert response.status_code == 301 and response["Location"] == "/search/"
    page = client.get("/search/")
    assert page.status_code == 200 and 'type="search"' in page.content.decode()


def test_lone_surrogates_and_nul_in_the_address_are_answered(client, library):
    for raw in ("q=%ED%A0%80", "q=%00", "q=%FF%FE", "q=secur%00ity", "q=%EF%BF%BD"):
        response = client.get(f"/search/?{raw}")
        assert response.status_code == 200, raw
        assert "\x00" not in response.content.decode()


def test_lone_surrogates_reaching_the_engine_are_no_words(library):
    # A browser cannot send one (the address above arrives as U+FFFD), code might.
    assert engine.run("\ud800\udfff", "en").problem == "empty"
    assert engine.run("\ud800security", "en").total == 1


def test_ten_thousand_characters_is_a_clear_400(client, library):
    response = client.get("/search/", {"q": "a" * 10_000})
    assert response.status_code == 400
    assert "Your search is too long: use at most 300 characters." in response.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"kind": "nonsense"}, "There is no such kind of result."),
        ({"year": "20x5"}, "A year is written with four digits."),
        ({"language": "xx"}, "There is no such language."),
        ({"page": "0"}, "There is no such page of results."),
        ({"page": "²"}, "There is no such page of results."),
        ({"page": "2"}, "There is no such page of results."),
    ],
)
def test_bad_filters_are_a_clear_400(client, library, query, message):
    response = client.get("/search/", {"q": "security", **query})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_markup_in_the_query_is_never_reflected(client, library):
    _titles, html = results(client, "/search/", q='<script>alert(1)</script> "security"')
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_filters_counts_and_pages(client, publish):
    for number in range(12):
        publish(
            title=f"Frontier model report {number}",
            summary="Frontier models and their evaluation.",
            kind=Publication.Kind.KEY_UPDATE if number % 2 else Publication.Kind.ANNUAL_REPORT,
            publication_date=datetime.date(2024 + number % 2, 3, 1),
        )
    titles, html = results(client, "/search/", q="frontier")
    assert len(titles) == engine.PER_PAGE
    assert "12 results, page 1 of 2" in html
    assert re.search(r'href="\?q=frontier&amp;year=2025"[^>]*>2025 <span class="filter-link__count">\(6\)</span>', html)
    assert 'href="?q=frontier&amp;page=2" rel="next"' in html
    titles, html = results(client, "/search/", q="frontier", page="2")
    assert len(titles) == 2
    titles, html = results(client, "/search/", q="frontier", year="2024")
    assert len(titles) == 6 and all(int(t.rsplit(" ", 1)[1]) % 2 == 0 for t in titles)
    titles, _html = results(client, "/search/", q="frontier", kind="publication", year="2025", page="1")
    assert len(titles) == 6


def test_counts_beyond_the_match_limit_say_more_than(client, publish, monkeypatch):
    for number in range(4):
        publish(title=f"Frontier report {number}")
    monkeypatch.setattr("search.backends.MAX_MATCHES", 3)
    _titles, html = results(client, "/search/", q="frontier")
    assert "More than 3 results" in html


def test_title_matches_rank_above_body_matches(client, publish):
    publish(title="A report", summary="Mentions watermarking once, in passing, among other things.")
    publish(title="Watermarking AI-generated content", summary="Techniques for content provenance.")
    titles, _html = results(client, "/search/", q="watermarking")
    assert titles[0] == "Watermarking AI-generated content"


def test_only_published_content_is_found_and_the_index_follows_publishing(client, publish, editor):
    draft = publish(title="Quantum sandbox draft", status=Publication.Status.DRAFT)
    publish(title="Scheduled quantum", publish_at=timezone.now() + datetime.timedelta(days=1))
    publish(title="Expired quantum", expire_at=timezone.now() - datetime.timedelta(minutes=1),
            publish_at=timezone.now() - datetime.timedelta(days=2))
    assert results(client, "/search/", q="quantum")[0] == []

    with TestCase.captureOnCommitCallbacks(execute=True):
        Publish(draft, editor).execute()
    assert results(client, "/search/", q="quantum")[0] == ["Quantum sandbox draft"]

    # A draft saved on the live publication is not what visitors see: not indexed.
    with TestCase.captureOnCommitCallbacks(execute=True):
        SaveDraft(draft, editor, values={"title": "Quantum sandbox renamed", "title_en": "Quantum sandbox renamed"}).execute()
    assert results(client, "/search/", q="renamed")[0] == []
    assert results(client, "/search/", q="quantum")[0] == ["Quantum sandbox draft"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        Publish(draft, editor).execute()
    assert results(client, "/search/", q="renamed")[0] == ["Quantum sandbox renamed"]

    # Unpublished (editorial's Unpublish action): gone.
    with TestCase.captureOnCommitCallbacks(execute=True):
        Unpublish(Publication.objects.get(pk=draft.pk), editor).execute()
    assert results(client, "/search/", q="quantum")[0] == []


def test_search_results_never_fill_the_page_cache(client, library):
    empty = client.get("/search/")
    assert client.get("/search/")["X-Page-Cache"] == "hit" and empty["X-Page-Cache"] == "miss"
    first = client.get("/search/", {"q": "security"})
    again = client.get("/search/", {"q": "security"})
    assert "X-Page-Cache" not in again or again["X-Page-Cache"] != "hit"
    assert "private" in first["Cache-Control"]


def test_header_of_every_page_has_the_search_box(client, library):
    for path in ("/", "/publications/", "/fr/", "/ar/publications/", "/zh-hans/search/"):
        html = client.get(path).content.decode()
        assert 'role="search"' in html and 'name="q"' in html, path
    assert 'action="/fr/search/"' in client.get("/fr/").content.decode()
