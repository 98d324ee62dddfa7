"""Many visitors decide at the same moment: every decision becomes a record, the chain holds.

On SQLite this runs the real settings against a real database file in a separate server
process (the test database is in memory, shared by one connection, which would hide
locking problems); on PostgreSQL it uses pytest-django's threaded live server.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests.servers import PROJECT, free_port

POSTS = 200
THREADS = 16


def post_decision(base_url, number):
    action = ("accept", "decline", "save")[number % 3]
    body = f"action={action}&next=/&purpose-analytics={'on' if number % 2 else 'off'}"
    request = urllib.request.Request(
        base_url + "/consent/",
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Origin": base_url,
            "Sec-Fetch-Site": "same-origin",
            "User-Agent": f"concurrency-test/{number}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def post_concurrently(base_url):
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda n: post_decision(base_url, n), range(POSTS)))


@pytest.fixture
def server_on_sqlite_file(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "test-only-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1",
        # All posts come from 127.0.0.1: far above the per-network limit on purpose.
        "CONSENT_RATE_LIMIT": f"{POSTS * 10}/m",
    }
    manage = [sys.executable, str(PROJECT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=PROJECT)
    port = free_port()
    log = (tmp_path / "server.log").open("w+")
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            # Any HTTP answer (here 405, as JSON) means the server is up.
            ready = urllib.request.Request(base_url + "/consent/", headers={"Accept": "application/json"})
            try:
                urllib.request.urlopen(ready, timeout=2).close()
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start:\n" + (tmp_path / "server.log").read_text())
        yield base_url, env, tmp_path / "server.log"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite file run; see the next test")
def test_200_simultaneous_decisions_all_become_records_on_sqlite(server_on_sqlite_file):
    base_url, env, log = server_on_sqlite_file
    started = time.perf_counter()
    results = post_concurrently(base_url)
    elapsed = time.perf_counter() - started
    failures = [result for result in results if result[0] != 200]
    assert not failures, failures[:3]
    assert len({body["consent_id"] for _, body in results}) == POSTS
    server_log = log.read_text()
    assert "database is locked" not in server_log
    assert "Traceback" not in server_log

    counts = subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), "shell", "-c",
         "from consent.models import *; print(ConsentRecord.objects.count(), "
         "','.join(Purpose.objects.values_list('slug', flat=True)), "
         "PolicyVersion.objects.current().number)"],
        env=env, cwd=PROJECT, capture_output=True, text=True, check=True,
    )
    # Also shows that migrating a fresh database seeds the purposes and policy version 1.
    assert counts.stdout.strip().splitlines()[-1] == f"{POSTS} functional,embeds,analytics 1"
    verified = subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), "verify_consent_records"],
        env=env, cwd=PROJECT, capture_output=True, text=True,
    )
    assert verified.returncode == 0, verified.stderr
    assert f"{POSTS} record(s), chain intact" in verified.stdout
    print(f"{POSTS} concurrent consent posts ({THREADS} threads): {elapsed:.2f} s")


@pytest.mark.skipif(connection.vendor == "sqlite", reason="covered by the SQLite file run")
@pytest.mark.django_db(transaction=True)
def test_200_simultaneous_decisions_all_become_records(live_server, consent_seed, settings):
    from consent import chain
    from consent.models import ConsentRecord

    settings.CONSENT_RATE_LIMIT = f"{POSTS * 10}/m"  # all posts come from 127.0.0.1

    results = post_concurrently(live_server.url)
    failures = [result for result in results if result[0] != 200]
    assert not failures, failures[:3]
    assert ConsentRecord.objects.count() == POSTS
    result = chain.verify()
    assert result.ok and result.checked == POSTS, result


def _decide(client, user_agent):
    return client.post(
        "/consent/", {"action": "accept", "next": "/"}, HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin", HTTP_USER_AGENT=user_agent,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's round trips")
@pytest.mark.django_db(transaction=True)
def test_a_decision_reaches_postgresql_in_two_round_trips_and_holds_the_chain_for_one(
    client, consent_seed
):
    """The lock on the chain head travels with BEGIN and the summaries' reads; the record,
    the head and the summaries' writes travel with COMMIT."""
    sent = []

    def remember(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    _decide(client, "warm-up")  # the texts are stored, the caches filled
    with connection.execute_wrapper(remember):
        response = _decide(client, "counted")
    assert response.status_code == 303
    chain_queries = [sql for sql in sent if "consent_" in sql and "chainhead" in sql]
    assert len(chain_queries) == 2, sent
    first, second = chain_queries
    assert first.startswith("BEGIN; INSERT INTO \"consent_showntexts\"")
    assert "FOR UPDATE" in first and "consent_consentdaysummary" in first
    assert second.startswith('INSERT INTO "consent_consentrecord"') and second.endswith("COMMIT")
    assert "consent_consentdaysummary" in second


@pytest.mark.django_db(transaction=True)
def test_a_decision_that_fails_halfway_saves_nothing_and_leaves_the_chain_free(consent_seed):
    """The record's INSERT fails (its sequence is taken: a row put there behind the chain's
    back) after the lock was taken and the texts stored: nothing stays, the head is free
    for the next decision, and the chain goes on."""
    import datetime
    import uuid

    from consent import chain
    from consent.models import ChainHead, ConsentRecord, ShownTexts

    def entry():
        return ConsentRecord(
            consent_id=uuid.uuid4(), created_at=None, policy_version=1,
            choices={"functional": True}, action="accept_all", path="/", language="en",
            texts_fingerprint="f" * 64,
        )

    chain.append([entry()])
    head = ChainHead.objects.get()
    squatter = ConsentRecord(
        consent_id=uuid.uuid4(), created_at=datetime.datetime.now(datetime.UTC),
        policy_version=1, choices={}, action="accept_all", texts_fingerprint="0" * 64,
        sequence=head.last_sequence + 1, prev_hash="0" * 64, record_hash="0" * 64,
    )
    squatter.save()
    texts = ShownTexts.objects.keep("e" * 64, {"banner": "new texts"})
    with pytest.raises(Exception) as failure:
        chain.append([entry()], first=[texts])
    assert "unique" in str(failure.value).lower(), failure.value
    assert ChainHead.objects.get().last_sequence == head.last_sequence
    assert not ShownTexts.objects.filter(fingerprint="e" * 64).exists()
    assert not ConsentRecord.objects.filter(
        sequence__gt=head.last_sequence).exclude(pk=squatter.pk).exists()
    if connection.vendor == "postgresql":
        # No transaction left open on this connection, and the head's row is not locked.
        assert connection.connection.info.transaction_status.name == "IDLE"
        import psycopg

        settings = connection.get_connection_params()
        with psycopg.connect(**settings, autocommit=True) as other:
            other.execute("SET lock_timeout = '2s'")
            other.execute("BEGIN")
            other.execute("SELECT 1 FROM consent_chainhead WHERE id = 1 FOR UPDATE NOWAIT")
            other.execute("ROLLBACK")
    squatter.delete()
    chain.append([entry()])
    assert chain.verify().ok and chain.verify().checked == 2
