"""A visitor decides about cookies through the consent endpoint (no browser needed here).

Covers what is recorded, the cookie, the redirect, Global Privacy Control, expiry, new policy
versions, the gating of analytics and embeds, and the cache-safety of the rendered pages.
"""

import datetime
import json
import time
import uuid
from urllib.parse import urlencode

import pytest
from django.core import signing
from django.utils import timezone

from consent import chain
from consent.models import ConsentRecord, PolicyVersion, ShownTexts
from consent.state import COOKIE_SALT, page_variant
from tests.conftest import ANALYTICS_URL, SAME_ORIGIN

pytestmark = pytest.mark.usefixtures("consent_seed")

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def post(client, data=None, as_json=False, headers=None, **extra):
    """Post as the site's pages do: a urlencoded form, or JSON from consent.js."""
    headers = {**SAME_ORIGIN, **(headers or {})}
    if as_json:
        headers["Accept"] = "application/json"
        body, content_type = json.dumps(data), "application/json"
    else:
        body, content_type = urlencode(data or {}), "application/x-www-form-urlencoded"
    return client.post("/consent/", body, content_type=content_type, headers=headers, **extra)


def test_visitor_declines_and_the_refusal_is_recorded(client, analytics):
    response = post(client, {"action": "decline", "next": "/"})
    assert response.status_code == 303
    assert response["Location"] == "/"
    record = ConsentRecord.objects.get()
    assert record.action == "decline_all"
    assert record.choices == {"functional": True, "embeds": False, "analytics": False}
    assert record.policy_version == 1
    assert record.path == "/"
    page = client.get("/")
    assert b'id="consent-banner"' not in page.content
    assert ANALYTICS_URL.encode() not in page.content


def test_visitor_accepts_and_analytics_is_loaded_only_then(client, analytics):
    page = client.get("/")
    assert b'id="consent-banner"' in page.content
    assert b"Use of personal data and cookies" in page.content
    assert ANALYTICS_URL.encode() not in page.content
    post(client, {"action": "accept", "next": "/"})
    page = client.get("/")
    assert b'id="consent-banner"' not in page.content
    assert f'src="{ANALYTICS_URL}" data-site-id="7"'.encode() in page.content


def test_visitor_customises_and_exactly_that_is_recorded(client, analytics):
    response = post(client, {"action": "save", "purpose-analytics": "on", "next": "/"})
    assert response.status_code == 303
    record = ConsentRecord.objects.get()
    assert record.action == "custom"
    assert record.choices == {"functional": True, "embeds": False, "analytics": True}
    assert ANALYTICS_URL.encode() in client.get("/").content


def test_visitor_withdraws_and_both_decisions_are_kept(client, analytics):
    post(client, {"action": "accept"})
    response = post(client, {"action": "decline"}, as_json=False)
    assert response.status_code == 303
    first, second = ConsentRecord.objects.order_by("sequence")
    assert first.action == "accept_all" and second.action == "withdraw"
    assert first.consent_id == second.consent_id
    assert second.choices == {"functional": True, "embeds": False, "analytics": False}
    assert ANALYTICS_URL.encode() not in client.get("/").content


def test_javascript_gets_json_and_is_told_to_reload_after_a_withdrawal(client, analytics):
    accepted = post(client, {"action": "accept"}, as_json=True)
    assert accepted.status_code == 200
    body = accepted.json()
    assert body["action"] == "accept_all"
    assert body["analytics"] == {"src": ANALYTICS_URL, "site_id": "7"}
    assert body["reload"] is False and body["embeds"] is True
    withdrawn = post(client, {"action": "save", "purposes": {"embeds": True}}, as_json=True)
    body = withdrawn.json()
    assert body["action"] == "withdraw" and body["reload"] is True and body["analytics"] is None
    assert body["consent_id"] == accepted.json()["consent_id"]


def test_consent_cookie_is_signed_first_party_lax_and_secure_in_production(client, settings):
    settings.CONSENT_COOKIE_SECURE = True
    response = post(client, {"action": "decline"})
    cookie = response.cookies["consent"]
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["domain"] == ""
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    payload = signing.loads(cookie.value, salt=COOKIE_SALT)
    record = ConsentRecord.objects.get()
    assert payload["id"] == str(record.consent_id)
    assert payload["v"] == 1
    assert payload["c"] == {"functional": 1, "embeds": 0, "analytics": 0}
    assert abs(payload["t"] - time.time()) < 60


def test_only_same_site_paths_are_redirected_to(client):
    for target, expected in [
        ("/publication/some-report/?page=2", "/publication/some-report/?page=2"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http://testserver/privacy/", "/"),
    ]:
        response = post(client, {"action": "decline", "next": target})
        assert response.status_code == 303
        assert response["Location"] == expected, target


def test_ip_address_is_kept_only_as_a_keyed_hash_of_its_network(client):
    post(client, {"action": "decline"}, REMOTE_ADDR="203.0.113.77")
    post(client, {"action": "decline"}, REMOTE_ADDR="203.0.113.200")
    post(client, {"action": "decline"}, REMOTE_ADDR="198.51.100.1")
    post(client, {"action": "decline"}, REMOTE_ADDR="2001:db8:abcd:12::1")
    post(client, {"action": "decline"}, REMOTE_ADDR="2001:db8:abcd:ffff::9")
    hashes = list(ConsentRecord.objects.order_by("sequence").values_list("ip_hash", flat=True))
    assert hashes[0] == hashes[1] != hashes[2]
    assert hashes[3] == hashes[4] != hashes[0]
    assert all(len(value) == 64 for value in hashes)
    exported = json.dumps(list(ConsentRecord.objects.values()), default=str)
    assert "203.0.113" not in exported and "2001:db8" not in exported


def test_user_agent_is_truncated_and_the_shown_texts_are_kept(client):
    post(client, {"action": "accept"}, headers={"User-Agent": "A" * 1000})
    record = ConsentRecord.objects.get()
    assert record.user_agent == "A" * 200
    texts = ShownTexts.objects.get(fingerprint=record.texts_fingerprint).content
    assert texts["title"] == "Use of personal data and cookies"
    assert texts["text"] == (
        "We use cookies and process personal data for the following purposes: Functional, "
        "Embedded external content & Analytics."
    )
    assert [p["name"] for p in texts["purposes"]] == [
        "Functional", "Embedded external content", "Analytics"
    ]


def test_visitor_sending_global_privacy_control_is_told_and_it_is_recorded(client, analytics):
    page = client.get("/", headers={"Sec-GPC": "1"})
    assert b"Global Privacy Control signal" in page.content
    assert b'id="consent-banner"' in page.content
    assert ANALYTICS_URL.encode() not in page.content
    # Optional switches start off for everyone; nothing is pre-ticked.
    assert b'name="purpose-analytics" value="on" data-purpose="analytics"' in page.content
    assert b"checked" not in page.content.split(b'data-purpose="analytics"')[1].split(b">")[0]
    # The visitor may still explicitly choose otherwise: that choice wins, GPC is noted.
    post(client, {"action": "save", "purpose-analytics": "on"}, headers={"Sec-GPC": "1"})
    record = ConsentRecord.objects.get()
    assert record.gpc is True and record.choices["analytics"] is True
    assert ANALYTICS_URL.encode() in client.get("/", headers={"Sec-GPC": "1"}).content


def test_a_new_policy_version_asks_every_visitor_again(client, analytics):
    post(client, {"action": "accept"})
    assert b'id="consent-banner"' not in client.get("/").content
    PolicyVersion.objects.create(number=2, text="Second version.")
    page = client.get("/")
    assert b'id="consent-banner"' in page.content
    assert ANALYTICS_URL.encode() not in page.content
    post(client, {"action": "decline"})
    assert ConsentRecord.objects.order_by("-sequence").first().policy_version == 2


def test_a_version_dated_in_the_future_is_not_in_force_yet(client):
    PolicyVersion.objects.create(
        number=2, text="Later.", effective_date=timezone.localdate() + datetime.timedelta(days=3)
    )
    post(client, {"action": "decline"})
    assert ConsentRecord.objects.get().policy_version == 1


def test_consent_expires_after_the_configured_lifetime(client, settings, monkeypatch):
    settings.CONSENT_MAX_AGE_DAYS = 30
    post(client, {"action": "accept"})
    assert b'id="consent-banner"' not in client.get("/").content
    later = time.time() + 31 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert b'id="consent-banner"' in client.get("/").content


def test_page_variant_names_exactly_the_consent_state(rf, client):
    request = rf.get("/")
    assert page_variant(request) == "new"
    assert page_variant(rf.get("/", headers={"Sec-GPC": "1"})) == "new-gpc"
    response = post(client, {"action": "save", "purpose-analytics": "on"})
    decided = rf.get("/")
    decided.COOKIES["consent"] = response.cookies["consent"].value
    assert page_variant(decided) == "v1:analytics=1,embeds=0"
    # A decided visitor's page does not depend on Sec-GPC.
    decided_gpc = rf.get("/", headers={"Sec-GPC": "1"})
    decided_gpc.COOKIES["consent"] = response.cookies["consent"].value
    assert page_variant(decided_gpc) == "v1:analytics=1,embeds=0"


def test_two_visitors_in_the_same_state_get_byte_identical_pages(client, django_user_model,
                                                                 make_publication, analytics):
    from django.test import Client

    make_publication(slug="with-video", video_url=VIDEO)
    other = Client()
    for visitor in (client, other):
        post(visitor, {"action": "save", "purpose-analytics": "on"})
    ids = set(ConsentRecord.objects.values_list("consent_id", flat=True))
    assert len(ids) == 2
    for url in ("/", "/publication/with-video/"):
        first, second = client.get(url), other.get(url)
        assert first.content == second.content
        for consent_id in ids:
            assert str(consent_id).encode() not in first.content
        assert b"csrfmiddlewaretoken" not in first.content
    assert b"csrfmiddlewaretoken" not in Client().get("/").content


def test_privacy_page_shows_the_visitors_own_id_and_history_and_is_never_cached(client):
    page = client.get("/privacy/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert b"You have not made a choice in this browser yet" in page.content
    assert b"Cookie policy version 1" in page.content
    post(client, {"action": "accept"})
    post(client, {"action": "decline"})
    from django.test import Client

    post(Client(), {"action": "accept"})  # someone else's decision stays out of this page
    mine = ConsentRecord.objects.order_by("sequence").first().consent_id
    page = client.get("/privacy/")
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    text = page.content.decode()
    assert str(mine) in text
    assert text.count("<tr>") == 1 + 2
    assert "Withdraw" in text and "Accept all" in text


def test_embedded_video_is_a_placeholder_until_the_visitor_allows_embeds(client, make_publication):
    make_publication(slug="with-video", video_url=VIDEO)
    page = client.get("/publication/with-video/").content.decode()
    assert "<iframe" not in page
    assert "This video is hosted by YouTube" in page
    assert f'href="{VIDEO}"' in page and "Load this content" in page
    assert "Always allow embedded content" in page
    response = post(client, {"action": "grant", "purpose-embeds": "on",
                             "next": "/publication/with-video/"})
    assert response["Location"] == "/publication/with-video/"
    assert ConsentRecord.objects.get().choices == {
        "functional": True, "embeds": True, "analytics": False
    }
    page = client.get("/publication/with-video/").content.decode()
    assert '<iframe class="consent-embed__frame" src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page


@pytest.mark.parametrize(
    "url, embed",
    [
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://example.org/video.mp4", None),
        ("https://www.youtube.com/watch?v=%22%3E%3Cscript%3E", None),
    ],
)
def test_video_addresses_become_privacy_friendly_players(url, embed):
    from consent.embeds import parse

    parsed = parse(url)
    assert (parsed.embed_url if parsed else None) == embed


def test_the_records_of_a_busy_day_verify(client):
    for action in ("accept", "decline", "accept"):
        post(client, {"action": action})
    assert chain.verify().ok
    assert uuid.UUID(str(ConsentRecord.objects.first().consent_id))


def test_consent_markup_needs_no_inline_script_or_style(client, make_publication, analytics):
    """A strict Content-Security-Policy must not break the banner, dialog or embeds."""
    import re

    make_publication(slug="with-video", video_url=VIDEO)
    pages = []
    for decided in (False, True):
        if decided:
            post(client, {"action": "save", "purpose-analytics": "on"})
        for url in ("/", "/privacy/", "/publication/with-video/"):
            pages.append(client.get(url, headers={"Sec-GPC": "1"}).content.decode())
    pages.append(post(client, {"action": "nonsense"}).content.decode())
    for html in pages:
        # Scripts come from files; JSON-LD is data, which a CSP does not execute.
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", html)
        assert not re.search(r"\sstyle\s*=", html)
        assert not re.search(r"\son[a-z]+\s*=", html)
