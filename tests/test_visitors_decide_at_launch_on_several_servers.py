"""At a launch, many visitors decide at once through the production topology (nginx, two
app servers, PostgreSQL): every decision they are told was saved is a linked record, the
chain verifies, and the weekly overview's day summaries, kept under the chain head's lock
with plain SQL, are exactly what recomputing them from the records gives.

Selected only with `-m several_servers` (deploy/topology.py).
"""

import concurrent.futures

import pytest

from deploy.topology import Topology
from tests.topology import cookie_from, database_count, post_consent

pytestmark = pytest.mark.several_servers

VISITORS = 90
SUMMARY_ROWS = (
    "SELECT day, language, visitors, allowed::text FROM consent_consentdaysummary "
    "ORDER BY day, language"
)


@pytest.fixture(scope="module")
def topology():
    site = Topology(CONSENT_RATE_LIMIT="100000/m")
    site.start()
    yield site
    site.stop()


def decide(topology, number, cookie=None):
    """A visitor's decision, in English or French, from an address of their own."""
    action, purposes = [("accept", {}), ("decline", {}), ("save", {"analytics": True}),
                        ("save", {"embeds": True})][number % 4]
    base = topology.url("/fr" if number % 3 == 0 else "")
    status, headers, data = post_consent(
        base, action, purposes, cookie=cookie, source=f"127.0.{120 + number // 200}.{1 + number % 200}"
    )
    return status, cookie_from(headers), data


def test_visitors_deciding_at_once_and_changing_their_minds_are_all_counted_exactly(topology):
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        first = list(pool.map(lambda number: decide(topology, number), range(VISITORS)))
        assert [status for status, _, _ in first] == [200] * VISITORS, first[:3]
        # A third change their minds (same consent id: the summary moves them, not adds).
        again = list(pool.map(
            lambda number: decide(topology, number + 1, first[number][1]), range(0, VISITORS, 3)
        ))
    assert [status for status, _, _ in again] == [200] * len(again), again[:3]
    assert all(data["consent_id"] == first[number * 3][2]["consent_id"]
               for number, (_, _, data) in enumerate(again))
    assert database_count(topology, "consent_consentrecord") == VISITORS + len(again)
    kept = topology.psql(SUMMARY_ROWS, "reportsite")
    assert kept.strip(), "no day summary was kept"
    verified = topology.manage("verify_consent_records", "--rebuild-summary", check=False)
    assert verified.returncode == 0, verified.stderr
    assert f"{VISITORS + len(again)} record(s), chain intact" in verified.stdout
    assert topology.psql(SUMMARY_ROWS, "reportsite") == kept
