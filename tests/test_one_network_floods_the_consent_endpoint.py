"""One client network floods the consent endpoint: past a generous limit it gets a 429.

The limit counts per network (the /24 or /48 the records' IP hash covers), from the real
client address behind trusted proxies, in the configured cache; nothing is recorded
beyond it.
"""

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from consent import conf
from consent.decisions import ip_hash
from consent.models import ConsentRecord
from tests.conftest import SAME_ORIGIN
from tests.servers import TemporarySite, free_port

pytestmark = pytest.mark.usefixtures("consent_seed")

MESSAGE = "Too many cookie choices were sent from your network in a short time"


def decide(client, address, as_json=False, headers=None, **extra):
    headers = {**SAME_ORIGIN, **(headers or {})}
    if as_json:
        return client.post(
            "/consent/", json.dumps({"action": "decline"}), content_type="application/json",
            headers={**headers, "Accept": "application/json"}, REMOTE_ADDR=address, **extra,
        )
    return client.post("/consent/", {"action": "decline"}, headers=headers,
                       REMOTE_ADDR=address, **extra)


def test_the_default_limit_is_generous():
    assert conf.CONSENT_RATE_LIMIT == "60/m"


def test_a_network_past_the_limit_gets_429_with_retry_after_and_nothing_is_recorded(
    client, settings
):
    # An hour's window: the count cannot roll over while the test runs.
    settings.CONSENT_RATE_LIMIT = "5/h"
    for host in range(1, 6):
        assert decide(client, f"203.0.113.{host}").status_code == 303
    # The same /24, another address: the same allowance, now spent.
    refused = decide(client, "203.0.113.250")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    page = refused.content.decode()
    assert refused["Content-Type"].startswith("text/html") and MESSAGE in page
    assert f"Please try again in {refused['Retry-After']} seconds." in page
    assert "no-store" in refused["Cache-Control"] or "max-age=0" in refused["Cache-Control"]
    # Scripts get the same answer as JSON.
    refused = decide(client, "203.0.113.9", as_json=True)
    assert refused.status_code == 429 and MESSAGE in refused.json()["error"]
    assert refused["Retry-After"]
    assert ConsentRecord.objects.count() == 5
    # Other networks are not affected; IPv6 counts per /48.
    assert decide(client, "198.51.100.1").status_code == 303
    for _ in range(5):
        assert decide(client, "2001:db8:1:2::1").status_code == 303
    assert decide(client, "2001:db8:1:ffff::9").status_code == 429
    assert decide(client, "2001:db8:2::1").status_code == 303
    assert ConsentRecord.objects.count() == 12


def test_cross_site_posts_do_not_spend_a_networks_allowance(client, settings):
    settings.CONSENT_RATE_LIMIT = "3/h"
    for _ in range(10):
        response = decide(client, "203.0.113.7", headers={"Origin": "https://evil.example"})
        assert response.status_code == 403
    for _ in range(3):
        assert decide(client, "203.0.113.7").status_code == 303


def test_an_empty_limit_turns_it_off(client, settings):
    settings.CONSENT_RATE_LIMIT = ""
    for _ in range(70):
        assert decide(client, "203.0.113.7").status_code == 303


def test_behind_a_proxy_each_client_is_counted_and_hashed_by_its_own_address(client, settings):
    settings.CONSENT_RATE_LIMIT = "2/h"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.5"
    settings.TRUSTED_PROXIES = [proxy]

    def through_proxy(forwarded):
        return decide(client, proxy, HTTP_X_FORWARDED_FOR=forwarded)

    for _ in range(2):
        assert through_proxy("203.0.113.7").status_code == 303
    assert through_proxy("203.0.113.8").status_code == 429
    # Another visitor behind the same proxy has their own allowance...
    assert through_proxy("198.51.100.20").status_code == 303
    # ...and a client cannot escape its own by writing addresses on the left.
    assert through_proxy("192.0.2.1, 203.0.113.7").status_code == 429

    hashes = set(ConsentRecord.objects.values_list("ip_hash", flat=True))
    assert hashes == {ip_hash("203.0.113.7"), ip_hash("198.51.100.20")}
    assert ip_hash(proxy) not in hashes


def test_the_ip_hash_without_proxies_ignores_forwarded_headers(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    decide(client, "198.51.100.3", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert ConsentRecord.objects.get().ip_hash == ip_hash("198.51.100.3")


def test_a_mistyped_limit_is_reported_at_start_up(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.CONSENT_RATE_LIMIT = "sixty per minute"
    with pytest.raises(SystemCheckError, match="CONSENT_RATE_LIMIT must look like 60/m"):
        call_command("check")


@pytest.fixture
def redis_url(tmp_path):
    """A Redis server of the test's own, as several app servers would share."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (the CI script installs it)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        # Ready only once it answers: a count sent before would fail over to the database,
        # and the test would see its counts split between the two stores.
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
def test_the_limit_holds_across_gunicorn_workers_sharing_a_cache(tmp_path, redis_url):
    site = TemporarySite(tmp_path / "site", CACHE_URL=redis_url, CONSENT_RATE_LIMIT="10/h")
    site.prepare(seed=False)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    statuses = []
    with site.gunicorn(port, workers=3):
        for _ in range(25):
            # A new connection each time, so the posts are spread over the workers.
            request = urllib.request.Request(
                origin + "/consent/", data=b"action=decline", method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin,
                         "Accept": "application/json", "Connection": "close"},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                assert MESSAGE in json.loads(error.read())["error"]
    assert statuses == [200] * 10 + [429] * 15
    count = site.manage(
        "shell", "-v0", "-c",
        "from consent.models import ConsentRecord; print(ConsentRecord.objects.count())",
    ).stdout.strip()
    assert count == "10"
