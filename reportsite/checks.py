"""System checks for the site's machinery: wrong combinations are reported at start-up
(`manage.py check`, every `runserver`/Gunicorn start), not discovered under attack."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches)
def check_redis_password(app_configs, **kwargs):
    """In production (DEBUG off), a Redis without a password lets anyone who reaches it
    rewrite the cached pages and reset the rate limits."""
    if settings.DEBUG:
        return []
    unprotected = set()
    for cache in settings.CACHES.values():
        if cache["BACKEND"].endswith("RedisCache"):
            locations = cache["LOCATION"]
            for location in [locations] if isinstance(locations, str) else locations:
                if not urlsplit(location).password:
                    unprotected.add(urlsplit(location).netloc)
    return [
        checks.Warning(
            f"CACHE_URL names a Redis without a password ({server}).",
            hint="Set `requirepass` in redis.conf and put the password in CACHE_URL: "
            "redis://:PASSWORD@host:6379/1.",
            id="reportsite.W001",
        )
        for server in sorted(unprotected)
    ]
