"""Someone who can write to Redis puts a pickle there that runs a command when read: the
app servers refuse it unread, say so in the log and still serve the page (issue 15,
finding 10: Django's Redis cache unpickled what it read). Redis is meant to have a
password: a system check warns in production when CACHE_URL has none."""

import os
import pickle
import urllib.request

import pytest
import redis

from tests.servers import TemporarySite, free_port
from tests.test_one_network_floods_the_consent_endpoint import redis_url  # noqa: F401


class RunsACommand:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


@pytest.fixture
def site(tmp_path, redis_url):  # noqa: F811
    site = TemporarySite(tmp_path / "site", CACHE_URL=redis_url)
    site.prepare()
    return site


def test_a_poisoned_generation_key_runs_nothing_and_the_page_is_still_served(site, tmp_path):
    marker = tmp_path / "the-command-ran"
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with site.gunicorn(port, workers=2, log=log):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
        store = redis.Redis.from_url(site.env["CACHE_URL"])
        poison = pickle.dumps(RunsACommand(f"touch {marker}"))
        store.set(":1:pagecache:generation", poison)
        # And every page entry and the consent texts, as an attacker would.
        for key in store.scan_iter("*"):
            if key != b":1:pagecache:generation":
                store.set(key, poison)
        for _ in range(6):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
                assert response.status == 200
                assert "International AI Safety Report" in response.read().decode()
    assert not marker.exists(), "a pickle read from Redis ran a command"
    assert "Cache (Redis) holds a value this site did not sign, refused unread" in log.read_text()


def test_production_warns_when_redis_has_no_password(site):
    warned = site.manage("check").stderr
    assert "reportsite.W001" in warned and "without a password" in warned
    site.env["CACHE_URL"] = site.env["CACHE_URL"].replace("redis://", "redis://:secret@")
    assert "reportsite.W001" not in site.manage("check").stderr
