"""What one rate-limit count costs (reportsite.counters): the database upsert of the
embedded default (SQLite, WAL) and, with --redis URL, the Redis count script (INCR, and EXPIRE on a window's first count).

    .venv/bin/python bench/rate_counters.py [--counts 2000] [--redis redis://:pw@127.0.0.1:6379/0]

Prints the mean and 99th percentile in milliseconds, per store. Runs in a throwaway site.
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.servers import TemporarySite  # noqa: E402

MEASURE = """
import statistics, time
from reportsite import counters
times = []
for n in range({counts}):
    started = time.perf_counter()
    counters.count("bench", f"203.0.113.{{n % 50}}", 60)
    times.append((time.perf_counter() - started) * 1000)
times.sort()
print(f"{{len(times)}} counts in {{'Redis' if counters.uses_redis() else 'the database'}}: "
      f"mean {{statistics.mean(times):.3f}} ms, p99 {{times[int(len(times) * 0.99)]:.3f}} ms")
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, default=2000)
    parser.add_argument("--redis", help="also measure counting in this Redis")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = TemporarySite(folder, CACHE_URL="locmemcache://").prepare(seed=False, static=False)
        code = MEASURE.format(counts=options.counts)
        print(site.manage("shell", "-v0", "-c", code).stdout.strip())
        if options.redis:
            site.env["CACHE_URL"] = options.redis
            print(site.manage("shell", "-v0", "-c", code).stdout.strip())


if __name__ == "__main__":
    main()
