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


@checks.register(checks.Tags.security)
def check_trusted_proxies(app_configs, **kwargs):
    """A mistyped TRUSTED_PROXIES is reported at start-up, not as a 500 on every login."""
    from .client_address import trusted_networks

    try:
        trusted_networks(tuple(settings.TRUSTED_PROXIES))
    except ValueError as error:
        return [
            checks.Error(
                str(error),
                hint="Addresses or networks separated by commas, e.g. 127.0.0.1,::1,10.0.0.0/24.",
                id="reportsite.E001",
            )
        ]
    return []
