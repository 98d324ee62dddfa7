"""Rate-limit counters that page traffic cannot evict and that every worker shares.

`count(name, key, period)` counts one event in the current fixed window of `period`
seconds and says how many there were in it (this one included) and how long the window
has left. The counts live apart from the page cache, so a flood of pages can never push
them out or reset them:

- with a shared cache (CACHE_URL=redis://...), in the cache alias "counters" (the same
  Redis, keys of its own, one atomic script per count: INCR, and EXPIRE on the window's
  first count), so every server counts together;
- otherwise (the embedded default, a local-memory cache that each Gunicorn worker keeps
  alone), in the database table reportsite_ratecounter, with one atomic upsert per count,
  so all workers of the server count together.

When Redis does not take the count (down, or full under `maxmemory-policy noeviction`)
the database counts instead, so the limit never silently stops counting; the log says so
once. When the database cannot count either, the event is let through (a visitor's
withdrawal of consent must never depend on a counter) and the log says so once.
"""

import hashlib
import logging
import random
import time

from django.core.cache import caches
from django.db import DatabaseError, connection, transaction

from .models import RateCounter

logger = logging.getLogger(__name__)

CACHE_ALIAS = "counters"
# How often (one count in this many) the database deletes windows that have ended.
CLEANUP_ONE_IN = 50


class _Failing:
    """Logs a store's failure once, and once again when it works again."""

    def __init__(self, what):
        self.what, self.failing = what, False

    def failed(self, error, consequence):
        if not self.failing:
            self.failing = True
            logger.error("%s failed, %s: %s: %s", self.what, consequence,
                         type(error).__name__, error)

    def worked(self):
        if self.failing:
            self.failing = False
            logger.warning("%s counts again.", self.what)


_redis_state = _Failing("Rate-limit counters in Redis")
_database_state = _Failing("Rate-limit counters in the database")


def _window(name, key, period, now):
    number = int(now // period)
    digest = hashlib.sha256(f"{name}\0{key}".encode()).hexdigest()[:40]
    return f"ratelimit:{name}:{digest}:{period}:{number}", (number + 1) * period


# One command, atomic in Redis: a window's key never exists without its expiry (a count
# that outlived its window would hold a network back for good). It replaces a MULTI/EXEC
# pipeline of SET NX and INCR, whose four commands cost more CPU to write and read than
# the round trip; a Redis that refuses it (full, or gone) fails the count as before.
_COUNT_SCRIPT = """
local counted = redis.call('INCR', KEYS[1])
if counted == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return counted
"""
_count_script = []


def _count_in_redis(store, window_key, period):
    full_key = store.make_and_validate_key(window_key)
    client = store._cache.get_client(full_key, write=True)
    if not _count_script:
        _count_script.append(client.register_script(_COUNT_SCRIPT))
    # EVALSHA, loading the script first on a Redis that does not know it yet.
    return _count_script[0](keys=[full_key], args=[period + 1], client=client)


def _count_in_database(window_key, expires_at, now):
    table, key, number, expires = (
        connection.ops.quote_name(name)
        for name in (RateCounter._meta.db_table, "key", "count", "expires_at")
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {number}, {expires}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({key}) DO UPDATE SET {number} = {table}.{number} + 1 "
            f"RETURNING {number}",
            [window_key, expires_at],
        )
        (counted,) = cursor.fetchone()
        if counted == 1 and random.randrange(CLEANUP_ONE_IN) == 0:
            cursor.execute(f"DELETE FROM {table} WHERE {expires} < %s", [now])
    return counted


def uses_redis():
    from django.conf import settings

    return CACHE_ALIAS in settings.CACHES


def count(name, key, period):
    """(events in the current window including this one, seconds the window has left);
    (0, 0) when nothing could count it."""
    now = time.time()
    window_key, expires_at = _window(name, key, period, now)
    seconds_left = max(1, int(expires_at - now + 0.999))
    if uses_redis():
        try:
            counted = _count_in_redis(caches[CACHE_ALIAS], window_key, period)
        except Exception as error:  # redis.RedisError: away, or full (noeviction)
            _redis_state.failed(error, "counting in the database meanwhile")
        else:
            _redis_state.worked()
            return counted, seconds_left
    try:
        counted = _count_in_database(window_key, expires_at, now)
    except DatabaseError as error:
        _database_state.failed(error, "letting requests through uncounted")
        return 0, 0
    _database_state.worked()
    return counted, seconds_left
