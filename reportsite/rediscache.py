"""Django's Redis cache, made to degrade instead of failing the request when Redis is away.

Everything this site keeps in the cache can be rebuilt (rendered pages, the consent
configuration, rate-limit counters), so a Redis outage must cost visitors speed, not
answers: while Redis does not answer, reads miss, writes are dropped and counters start
again from zero (rate limits fail open; the admin lockout counts in the database). Every
process says so once in the log when Redis stops answering and once when it answers again,
and `/healthz` reports `cache: error` meanwhile. No restart is needed: each call tries
Redis again (connection attempts time out after CACHE_REDIS_TIMEOUT seconds).

Selected by settings.py for `CACHE_URL=redis://...`.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class DegradingRedisCache(RedisCache):
    # Per process: whether the last call failed, so that an outage is logged once.
    failing = False

    def _call(self, fallback, operation, *arguments, **keywords):
        try:
            result = operation(*arguments, **keywords)
        except RedisError as error:
            if not DegradingRedisCache.failing:
                DegradingRedisCache.failing = True
                logger.error(
                    "Cache (Redis) does not answer, serving without it: %s: %s",
                    type(error).__name__, error,
                )
            return fallback
        if DegradingRedisCache.failing:
            DegradingRedisCache.failing = False
            logger.warning("Cache (Redis) answers again.")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # As if the key were new: a lock or counter built on `add` fails open.
        return self._call(True, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # A counter Redis cannot keep starts again from zero.
        return self._call(delta, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)
