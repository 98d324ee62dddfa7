"""Someone guessing an editor's password is locked out for a while, and it is logged."""

import datetime
import logging
import time

import pytest
from axes.models import AccessAttempt

from tests.conftest import STAFF_PASSWORD

LOGIN = "/admin/login/?next=/admin/"


def log_in(client, password, username="editor", address="203.0.113.7"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.django_db
def test_guessing_is_locked_out_then_allowed_again_after_the_cool_off(
    client, editor, settings, caplog
):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=10)
    caplog.set_level(logging.WARNING, logger="axes")

    for attempt in range(2):
        response = log_in(client, f"wrong-{attempt}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = log_in(client, "wrong-2")
    assert response.status_code == 429
    assert "Too many login attempts" in response.content.decode()
    assert "After 3 failed attempts" in response.content.decode()
    assert "paused for 10 minutes" in " ".join(response.content.decode().split())

    # Locked out: even the right password does not get in now.
    response = log_in(client, STAFF_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    lockouts = [r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()]
    assert lockouts and 'username: "editor"' in lockouts[0] and "203.0.113.7" in lockouts[0]
    attempt = AccessAttempt.objects.get(username="editor", ip_address="203.0.113.7")
    assert attempt.failures_since_start >= 3

    # The cool-off passes (shortened to one second rather than waiting ten minutes).
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=1)
    time.sleep(1.1)
    response = log_in(client, STAFF_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(editor.pk)


@pytest.mark.django_db
def test_a_lockout_holds_one_username_from_one_address_only(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for attempt in range(2):
        log_in(client, f"wrong-{attempt}")
    assert log_in(client, STAFF_PASSWORD).status_code == 429
    # The editor, signing in from elsewhere, is not locked out by the attacker.
    response = log_in(client, STAFF_PASSWORD, address="198.51.100.20")
    assert response.status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_a_forged_forwarded_address_does_not_escape_the_lockout(
    client, editor, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.AXES_FAILURE_LIMIT = 3

    def through_proxy(password, forged):
        # The client forges the header; the proxy appends the address it really saw.
        return client.post(
            LOGIN,
            {"username": "editor", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7",
        )

    for attempt in range(3):
        through_proxy(f"wrong-{attempt}", forged=f"192.0.2.{attempt}")
    assert through_proxy(STAFF_PASSWORD, forged="192.0.2.99").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    # Another visitor behind the same proxy is not locked out.
    response = client.post(
        LOGIN, {"username": "editor", "password": STAFF_PASSWORD},
        REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_code_that_logs_in_without_a_request_is_not_refused(client, editor, settings):
    # Django's test client (and a shell) call authenticate() without a request.
    assert client.login(username="editor", password=STAFF_PASSWORD)
    client.logout()
    assert not client.login(username="editor", password="wrong")
    # Over HTTP the lockout still applies.
    settings.AXES_FAILURE_LIMIT = 1
    log_in(client, "wrong")
    assert log_in(client, STAFF_PASSWORD).status_code == 429
