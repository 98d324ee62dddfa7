"""A load balancer or monitor asks /healthz whether this app server can serve."""

import json

import pytest

from tests.servers import TemporarySite

ASK_HEALTHZ = (
    "import json; from django.test import Client; "
    "r = Client(HTTP_HOST='localhost').get('/healthz'); "
    "print(json.dumps([r.status_code, r['Cache-Control'], r.json()]))"
)


def ask(site):
    """/healthz answered by a separate process configured like a real server.

    The check needs no tables: a fresh, empty SQLite file answers like a migrated one.
    """
    result = site.manage("shell", "-v0", "-c", ASK_HEALTHZ)
    status, cache_control, body = json.loads(result.stdout.strip().splitlines()[-1])
    return status, cache_control, body, result.stderr


@pytest.mark.django_db
def test_healthz_answers_ok_without_login_and_is_never_cached(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_healthz_says_503_database_when_the_database_cannot_be_opened(tmp_path):
    site = TemporarySite(tmp_path, DATABASE_URL="sqlite:////nonexistent-folder/db.sqlite3")
    status, cache_control, body, log = ask(site)
    assert status == 503
    assert body == {"status": "failing", "database": "error", "cache": "ok", "failing": ["database"]}
    assert "no-store" in cache_control
    assert "Health check: the database does not answer" in log
    assert "unable to open database file" in log  # the cause is in the log, not the response


def test_healthz_says_503_cache_when_redis_does_not_answer(tmp_path):
    # Port 9 (discard) has no Redis on it: every connection is refused.
    site = TemporarySite(tmp_path, CACHE_URL="redis://127.0.0.1:9/0")
    status, _, body, log = ask(site)
    assert status == 503
    assert body == {"status": "failing", "database": "ok", "cache": "error", "failing": ["cache"]}
    assert "Health check: the cache does not answer" in log


def test_healthz_is_ok_in_a_separate_process_when_both_answer(tmp_path):
    site = TemporarySite(tmp_path)
    status, _, body, _ = ask(site)
    assert (status, body) == (200, {"status": "ok", "database": "ok", "cache": "ok"})
