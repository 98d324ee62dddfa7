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


@checks.register(checks.Tags.security, deploy=True)
def check_backup_signing_key(app_configs, **kwargs):
    """`check --deploy`: backups need their own signing key (reportsite.backups)."""
    key = settings.BACKUP_SIGNING_KEY
    if not key:
        return [checks.Warning(
            "BACKUP_SIGNING_KEY is not set: `manage.py backup` refuses to write an archive "
            "and `restore` to read one without it.",
            hint='Set it to a long random value, different from SECRET_KEY: python -c '
                 '"import secrets; print(secrets.token_urlsafe(50))". Keep a copy away from '
                 "the archives: a restore needs the key the archive was signed with.",
            id="reportsite.backups.W001",
        )]
    if key == settings.SECRET_KEY:
        return [checks.Error(
            "BACKUP_SIGNING_KEY is the same as SECRET_KEY.",
            hint="Give backups a key of their own, so that one leaked or rotated key "
                 "never forges or invalidates the other.",
            id="reportsite.backups.E001",
        )]
    return []


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


@checks.register()
def check_storage_gives_up_before_gunicorn(app_configs, **kwargs):
    """A frozen S3 must be the promised 503 within seconds, not Gunicorn killing the worker
    (a bare 500 after GUNICORN_TIMEOUT): every storage call, all attempts included, must
    end well inside the worker timeout."""
    if settings.MEDIA_STORAGE != "s3":
        return []
    longest = (
        settings.AWS_S3_CONNECT_TIMEOUT + settings.AWS_S3_READ_TIMEOUT
    ) * settings.AWS_S3_MAX_ATTEMPTS
    if longest * 2 <= settings.GUNICORN_TIMEOUT:
        return []
    return [
        checks.Error(
            f"A storage call may take {longest:g} s ((AWS_S3_CONNECT_TIMEOUT + "
            f"AWS_S3_READ_TIMEOUT) × AWS_S3_MAX_ATTEMPTS), more than half of "
            f"GUNICORN_TIMEOUT ({settings.GUNICORN_TIMEOUT} s): a frozen bucket would "
            "end in Gunicorn killing the worker instead of a 503.",
            hint="Lower the S3 timeouts or attempts, or raise GUNICORN_TIMEOUT.",
            id="reportsite.E002",
        )
    ]
