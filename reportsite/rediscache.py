"""Django's Redis cache, made to degrade instead of failing the request when Redis is away.

Everything this site keeps in the cache can be rebuilt (rendered pages, the consent
configuration, rate-limit counters), so a Redis outage must cost visitors speed, not
answers: while Redis does not answer, reads miss, writes are dropped and counters start
again from zero (rate limits fail open; the admin lockout counts in the database). Every
process says so once in the log when Redis stops answering and once when it answers again,
and `/healthz` reports `cache: error` meanwhile. No restart is needed: each call tries
Redis again (connection attempts time out after CACHE_REDIS_TIMEOUT seconds).

Nothing read from Redis can run code: Django's Redis cache unpickles what it reads, and
unpickling runs whatever the bytes say, so anyone who can write to Redis could run commands
in every worker. Values are signed (HMAC-SHA256 with a key derived from SECRET_KEY, which
every app server shares) before they are written, and a value whose signature does not
verify is never unpickled: it counts as a miss and the log says which key held it
(SignedPickleSerializer). Whole numbers stay plain, as Django stores them, for Redis's
atomic INCR; a number can be read, never run. Redis should also have a password
(`requirepass`, given in CACHE_URL as redis://:password@host:port/db); a system check
warns in production when CACHE_URL has none.

Selected by settings.py for `CACHE_URL=redis://...`.
"""

import hashlib
import hmac
import logging
import pickle

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient, RedisSerializer
from redis.exceptions import OutOfMemoryError, RedisError

logger = logging.getLogger(__name__)
SIGNATURE_BYTES = 32


class ForgedCacheValue(Exception):
    """A value in Redis that this site did not write (or that was changed)."""


class SignedPickleSerializer(RedisSerializer):
    """Pickles only what it signed: `signature + pickle`, verified before any unpickling."""

    def __init__(self, protocol=None):
        super().__init__(protocol)
        secret = settings.SECRET_KEY.encode()
        self.key = hashlib.sha256(b"reportsite.rediscache.values\0" + secret).digest()

    def _signature(self, payload):
        return hmac.new(self.key, payload, hashlib.sha256).digest()

    def dumps(self, obj):
        if type(obj) is int:  # plain, for INCR (as Django's own serializer does)
            return obj
        payload = pickle.dumps(obj, self.protocol)
        return self._signature(payload) + payload

    def loads(self, data):
        try:
            return int(data)
        except ValueError:
            pass
        signature, payload = data[:SIGNATURE_BYTES], data[SIGNATURE_BYTES:]
        if not hmac.compare_digest(signature, self._signature(payload)):
            raise ForgedCacheValue("a value without this site's signature")
        return pickle.loads(payload)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client holder, handing out one `redis.Redis` per connection pool.

    Django builds a new `redis.Redis` object for every cache call; building one copies its
    table of response callbacks, which cost a consent decision (a rate count and a
    generation read) more CPU than the two Redis round trips themselves. The object holds
    no connection of its own (it borrows one from the pool per command), so one per pool
    serves every thread of the process.
    """

    def __init__(self, *arguments, **options):
        super().__init__(*arguments, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    # Per process: why the last call failed ("away", or "full": Redis refuses writes past
    # its maxmemory but still answers reads), so that an outage is logged once.
    failing = None

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _call(self, fallback, operation, *arguments, writes=False, **keywords):
        try:
            result = operation(*arguments, **keywords)
        except ForgedCacheValue:
            logger.error(
                "Cache (Redis) holds a value this site did not sign, refused unread "
                "(someone else can write to Redis: check its password): %s %r",
                operation.__name__, arguments[0] if arguments else "",
            )
            return fallback
        except RedisError as error:
            reason = "full" if isinstance(error, OutOfMemoryError) else "away"
            if DegradingRedisCache.failing != reason:
                DegradingRedisCache.failing = reason
                logger.error(
                    "Cache (Redis) is full and refuses writes (maxmemory), serving without "
                    "storing: %s" if reason == "full" else
                    "Cache (Redis) does not answer, serving without it: %s",
                    f"{type(error).__name__}: {error}",
                )
            return fallback
        # A full Redis still answers reads: only a write says it has room again.
        if DegradingRedisCache.failing and (writes or DegradingRedisCache.failing == "away"):
            DegradingRedisCache.failing = None
            logger.warning("Cache (Redis) answers again.")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # As if the key were new: a lock or counter built on `add` fails open.
        return self._call(True, super().add, key, value, timeout, version, writes=True)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version, writes=True)

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
        return self._call(delta, super().incr, key, delta, version, writes=True)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version, writes=True)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)
