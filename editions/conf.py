"""Settings of the editions app, with their defaults (override them in Django settings).

Uploaded sources and the figure files of draft versions are kept in the editorial core's
private store (editorial.files: PRIVATE_MEDIA_ROOT, or the bucket's drafts/ prefix), like
every other draft's files: in backups, shared by every server, public only once published.

EDITION_IMPORT_STALE_SECONDS
    An import whose worker has not reported for this long is taken as dead (the worker was
    killed): it is marked failed and its files removed. Default: 120.
EDITION_MAX_SOURCE_BYTES
    Largest source file an editor may upload. Default: 200 MB.
EDITION_MIN_FIGURE_WIDTH
    Narrower figure images are reported by the pre-publish checks (too small for the
    reading column at 2x). Default: 600 pixels.
"""

from django.conf import settings


def stale_seconds():
    return int(getattr(settings, "EDITION_IMPORT_STALE_SECONDS", 120))


def max_source_bytes():
    return int(getattr(settings, "EDITION_MAX_SOURCE_BYTES", 200 * 1024 * 1024))


def min_figure_width():
    return int(getattr(settings, "EDITION_MIN_FIGURE_WIDTH", 600))
