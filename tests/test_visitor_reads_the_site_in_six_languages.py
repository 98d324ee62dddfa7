"""A visitor reads the site in any of the six UN languages, chosen by the URL alone; search
engines find every language's version of every page; consent is asked and proven in the
visitor's language."""

import datetime
import io
import json
import re
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consent import chain
from consent.export import jsonl_lines
from consent.models import ConsentRecord, ShownTexts
from tests.conftest import SAME_ORIGIN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]

PREFIXES = {"en": "", "fr": "/fr", "es": "/es", "ru": "/ru", "zh-hans": "/zh-hans", "ar": "/ar"}


@pytest.fixture
def publication(make_publication):
    return make_publication(
        slug="second-key-update", publication_date=datetime.date(2025, 11, 25)
    )


def public_paths(publication):
    return ["/", "/publications/", f"/publication/{publication.slug}/", "/privacy/"]


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


@pytest.mark.parametrize("language, prefix", PREFIXES.items())
def test_every_public_page_names_its_language_and_lists_its_alternates(
    client, settings, publication, language, prefix
):
    for path in public_paths(publication):
        response = client.get(prefix + path)
        assert response.status_code == 200, prefix + path
        html = response.content.decode()
        direction = ' dir="rtl"' if language == "ar" else ""
        assert f'<html lang="{language}"{direction}>' in html
        assert response["Content-Language"] == language
        assert alternates(html) == {
            **{code: f"{settings.SITE_URL}{other}{path}" for code, other in PREFIXES.items()},
            "x-default": f"{settings.SITE_URL}{path}",
        }, prefix + path
        assert f'<link rel="canonical" href="{settings.SITE_URL}{prefix}{path}">' in html


def test_the_switcher_leads_to_the_same_page_in_each_language_named_in_itself(
    client, publication
):
    html = client.get(f"/ru/publication/{publication.slug}/").content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)" lang="([^"]+)" hreflang="([^"]+)"[^>]*>([^<]+)</a>', switcher)
    assert [(href, lang, name) for href, lang, hreflang, name in links] == [
        (f"{prefix}/publication/{publication.slug}/", code, name)
        for (code, prefix), name in zip(
            PREFIXES.items(),
            ["English", "Français", "Español", "Русский", "简体中文", "العربية"],
            strict=True,
        )
    ]
    assert all(lang == hreflang for _, lang, hreflang, _ in links)
    assert 'lang="ru" hreflang="ru" aria-current="true">Русский' in switcher


def test_the_browser_language_and_cookies_never_change_or_redirect_a_page(client):
    headers = {"Accept-Language": "fr-FR,fr;q=0.9", "Cookie": "django_language=ar"}
    response = client.get("/", headers=headers)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert "Accept-Language" not in response.get("Vary", "")
    response = client.get("/es/", headers=headers)
    assert '<html lang="es">' in response.content.decode()


def test_dates_and_interface_are_in_the_pages_language(client, publication):
    expected = {
        "": ("25 November 2025", "Latest publications"),
        "/fr": ("25 novembre 2025", "Dernières publications"),
        "/es": ("25 de noviembre de 2025", "Últimas publicaciones"),
        "/ru": ("25 ноября 2025 г.", "Последние публикации"),
        "/zh-hans": ("2025年11月25日", "最新出版物"),
        "/ar": ("25 نوفمبر 2025", "أحدث المنشورات"),
    }
    for prefix, texts in expected.items():
        html = client.get(prefix + "/").content.decode()
        for text in texts:
            assert text in html, (prefix, text)


def test_json_ld_and_feed_are_per_language(client, settings, publication):
    html = client.get(f"/fr/publication/{publication.slug}/").content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["inLanguage"] == "fr"
    assert data["url"] == f"{settings.SITE_URL}/fr/publication/{publication.slug}/"
    assert 'href="/fr/publications/feed/"' in html
    feed = client.get("/fr/publications/feed/").content.decode()
    assert 'xml:lang="fr"' in feed
    assert f"{settings.SITE_URL}/fr/publication/{publication.slug}/" in feed
    assert "Nouveaux rapports et mises à jour clés" in feed


def test_the_sitemap_lists_every_language_with_its_alternates(client, settings, publication):
    xml = client.get("/sitemap.xml").content.decode()
    for path in ["/", "/publications/", f"/publication/{publication.slug}/"]:
        for prefix in PREFIXES.values():
            block = re.search(
                rf"<url><loc>{re.escape(settings.SITE_URL + prefix + path)}</loc>.*?</url>", xml
            ).group(0)
            links = dict(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', block))
            assert links == {
                **{code: settings.SITE_URL + other + path for code, other in PREFIXES.items()},
                "x-default": settings.SITE_URL + path,
            }


def test_each_language_is_cached_on_its_own_with_the_same_queries(client, settings, publication):
    client.get("/healthz")
    client.get("/")  # creates the site texts, which moves the content generation once
    settings.PAGE_CACHE_SECONDS = 600
    from django.core.cache import caches

    caches[settings.PAGE_CACHE_ALIAS].clear()
    # With Redis the page cache shares its store with the consent texts, which the clear
    # above also dropped: the privacy page (never cached) loads them again, so that every
    # language below is measured alike.
    client.get("/privacy/")
    counts = {}
    for prefix in PREFIXES.values():
        with CaptureQueriesContext(connection) as queries:
            first = client.get(prefix + "/")
        counts[prefix] = len(queries)
        again = client.get(prefix + "/")
        assert first["X-Page-Cache"] == "miss" and again["X-Page-Cache"] == "hit", prefix
        assert again.content == first.content
    assert len(set(counts.values())) == 1, counts
    assert client.get("/fr/").content != client.get("/").content


def shown_fingerprint(client, prefix):
    html = client.get(prefix + "/privacy/").content.decode()
    return html.split('name="shown" value="')[1].split('"')[0]


def test_declining_in_french_records_french_texts_and_counts_everywhere(client):
    # A record from before languages existed (no language): it must stay verifiable.
    chain.append([ConsentRecord(
        consent_id=uuid.uuid4(), created_at=None, policy_version=1,
        choices={"functional": True, "embeds": False, "analytics": False},
        action="decline_all", path="/", texts_fingerprint="cd" * 32,
    )])
    shown = shown_fingerprint(client, "/fr")
    assert shown != shown_fingerprint(client, "")
    response = client.post(
        "/fr/consent/", {"action": "decline", "next": "/fr/", "shown": shown}, headers=SAME_ORIGIN
    )
    assert response.status_code == 303
    assert response["Location"] == "/fr/"
    record = ConsentRecord.objects.get(path="/fr/")
    assert record.language == "fr"
    texts = ShownTexts.objects.get(fingerprint=record.texts_fingerprint).content
    assert texts["title"] == "Utilisation des données personnelles et des cookies"
    assert [p["name"] for p in texts["purposes"]] == [
        "Fonctionnement du site", "Contenus externes intégrés", "Mesure d’audience"
    ]
    # One decision for every language: no banner on the English (or any other) pages.
    for prefix in PREFIXES.values():
        assert "consent-banner" not in client.get(prefix + "/").content.decode(), prefix
    # The export carries the language; the chain verifies over old and new records.
    exported = [json.loads(line) for line in jsonl_lines(ConsentRecord.objects.order_by("sequence"))]
    assert [row["language"] for row in exported] == ["", "fr"]
    out = io.StringIO()
    call_command("verify_consent_records", stdout=out)
    assert "2 record(s), chain intact" in out.getvalue()
    # The language is covered by the record's hash.
    ConsentRecord.objects.filter(pk=record.pk).update(language="en")
    with pytest.raises(Exception, match="altered"):
        call_command("verify_consent_records", stdout=io.StringIO())


def test_a_refused_choice_is_explained_in_the_pages_language(client):
    response = client.post(
        "/ar/consent/", {"action": "fly"}, headers={**SAME_ORIGIN, "Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "إجراء غير معروف: اختر accept أو decline أو save أو grant."
    response = client.post("/zh-hans/consent/", {"action": "fly"}, headers=SAME_ORIGIN)
    assert "您的选择未能保存" in response.content.decode()


def test_a_missing_page_is_in_its_language_and_offers_each_home_page(client):
    response = client.get("/fr/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert '<a href="/ar/" lang="ar" hreflang="ar" dir="rtl">العربية</a>' in html
    assert 'hreflang="x-default"' not in html


def test_the_cookie_policy_is_in_the_pages_language_until_editors_rewrite_it(client):
    html = client.get("/fr/privacy/").content.decode()
    assert "<p>Cette page explique quels cookies" in html
    assert "Politique en matière de cookies, version 1, en vigueur depuis le" in html
    # A policy that privacy officers wrote has no French text yet: English, marked as such.
    from consent.models import PolicyVersion

    policy = PolicyVersion.objects.get()
    policy.text_en = "A policy written by the privacy officers."
    policy.text_fr = ""
    policy.save()
    html = client.get("/fr/privacy/").content.decode()
    assert '<p lang="en" dir="ltr">A policy written by the privacy officers.</p>' in html
    assert "Cette page explique quels cookies" not in html
    # Once translated, the French text is shown, unmarked.
    policy.text_fr = "Une politique rédigée par les délégués à la protection des données."
    policy.save()
    html = client.get("/fr/privacy/").content.decode()
    assert "<p>Une politique rédigée par les délégués à la protection des données.</p>" in html
