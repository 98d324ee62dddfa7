"""The consent app's settings and their defaults; the app reads its settings only from here.

Each value is looked up in Django's settings on every access (so tests may override them),
and a setting that is absent or None takes the default below. The project's settings.py
passes on what the environment gives (see .env.example); nothing else needs setting.

- ``CONSENT_MAX_AGE_DAYS`` (365): how long a visitor's decision is valid before they are
  asked again.
- ``CONSENT_RETENTION_DAYS`` (``CONSENT_MAX_AGE_DAYS`` + 365): default age after which
  ``purge_consent_records`` deletes records, so that a live consent is always provable.
- ``CONSENT_COOKIE_NAME`` ("consent"): name of the consent cookie.
- ``CONSENT_COOKIE_SECURE`` (true unless ``DEBUG``): send the consent cookie over HTTPS only.
- ``CONSENT_HASH_KEY`` (derived from ``SECRET_KEY``): key of the IP hashes and of the
  records' hash chain; set it so that rotating ``SECRET_KEY`` keeps old records verifiable.
- ``CONSENT_RATE_LIMIT`` ("60/m"): decisions one client network (the /24 or /48 the IP
  hash covers) may post per period (s, m, h or d; e.g. "300/5m"). Beyond it: HTTP 429
  with Retry-After, and nothing recorded. Empty turns the limit off (in the environment:
  ``CONSENT_RATE_LIMIT=off``; an empty variable keeps the default). Counted by
  reportsite.counters apart from the page cache: in Redis when CACHE_URL is Redis (every
  server shares the count), else in the database (every worker of the server shares it).
- ``ANALYTICS_SCRIPT_URL``, ``ANALYTICS_SITE_ID`` (""): the analytics script loaded for
  visitors who allowed analytics (off while the URL is empty).
- ``EMBED_FRAME_ORIGINS`` (YouTube's privacy-enhanced and Vimeo's player origins): the
  origins whose players may be embedded once a visitor allows embedded content.

The project's Content-Security-Policy reads the last three too, so that it allows exactly
those origins.
"""

from django.conf import settings

DEFAULTS = {
    "CONSENT_MAX_AGE_DAYS": 365,
    "CONSENT_RETENTION_DAYS": lambda: __getattr__("CONSENT_MAX_AGE_DAYS") + 365,
    "CONSENT_COOKIE_NAME": "consent",
    "CONSENT_COOKIE_SECURE": lambda: not settings.DEBUG,
    "CONSENT_HASH_KEY": "",
    "CONSENT_RATE_LIMIT": "60/m",
    "ANALYTICS_SCRIPT_URL": "",
    "ANALYTICS_SITE_ID": "",
    "EMBED_FRAME_ORIGINS": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
}


def __getattr__(name):
    if name not in DEFAULTS:
        raise AttributeError(f"consent.conf has no setting {name}")
    value = getattr(settings, name, None)
    if value is None:
        default = DEFAULTS[name]
        value = default() if callable(default) else default
    return value
