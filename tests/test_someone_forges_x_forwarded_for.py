"""Someone who reaches an app server directly (another host on its network) sends a new
X-Forwarded-For with every request: the header is read only from the configured proxies'
addresses (TRUSTED_PROXIES), so the lockout and the consent rate limit still count them by
their own address (issue 15, finding 10)."""

import pytest

from consent.models import ConsentRecord
from tests.test_admin_login_is_rate_limited import LOGIN
from tests.test_one_network_floods_the_consent_endpoint import decide

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("consent_seed")]
DIRECT = "198.51.100.9"  # not a proxy


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/24"]


def test_rotating_forwarded_addresses_do_not_escape_the_lockout(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 5
    statuses = [
        client.post(LOGIN, {"username": "editor", "password": f"wrong-{n}"},
                    REMOTE_ADDR=DIRECT, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(8)
    ]
    assert statuses == [200] * 4 + [429] * 4


def test_rotating_forwarded_addresses_do_not_escape_the_rate_limit(client, settings):
    settings.CONSENT_RATE_LIMIT = "60/h"
    statuses = [
        decide(client, DIRECT, HTTP_X_FORWARDED_FOR=f"{n % 250}.{n}.0.1").status_code
        for n in range(80)
    ]
    assert statuses == [303] * 60 + [429] * 20
    assert ConsentRecord.objects.count() == 60


def test_two_trusted_proxies_name_the_client_and_no_further(client, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.CONSENT_RATE_LIMIT = "1/h"
    # Load balancer 10.0.0.9 -> nginx 127.0.0.1 -> app: the client is the entry before them.
    assert decide(client, "127.0.0.1",
                  HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7, 10.0.0.9").status_code == 303
    assert decide(client, "127.0.0.1",
                  HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.8, 10.0.0.9").status_code == 429
    # An address that is not a proxy ends the walk: what it wrote is not believed.
    assert decide(client, "127.0.0.1",
                  HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.20").status_code == 303


def test_a_mistyped_proxy_list_is_reported_at_start_up(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.TRUSTED_PROXIES = ["127.0.0.1", "nginx.internal"]
    with pytest.raises(SystemCheckError, match="'nginx.internal' is not an IP address"):
        call_command("check")
