"""Settings of the editions app, with their defaults (override them in Django settings).

EDITION_PRIVATE_ROOT
    Where an imported edition's figure images wait until their version is published
    (and where uploaded sources wait for the worker). Never under MEDIA_ROOT: a draft's
    files are not reachable by visitors; staff see them through a staff-only view.
    Default: `var/edition-drafts` in the project folder. With several servers, point it at
    a folder the web servers and the worker share.
EDITION_IMPORT_STALE_SECONDS
    An import whose worker has not reported for this long is taken as dead (the worker was
    killed): it is marked failed and its files removed. Default: 120.
EDITION_MAX_SOURCE_BYTES
    Largest source file an editor may upload. Default: 200 MB.
EDITION_MIN_FIGURE_WIDTH
    Narrower figure images are reported by the pre-publish checks (too small for the
    reading column at 2x). Default: 600 pixels.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_root():
    return Path(getattr(settings, "EDITION_PRIVATE_ROOT", settings.BASE_DIR / "var" / "edition-drafts"))


def private_storage():
    """Files of draft versions and uploaded sources: never served as media."""
    return FileSystemStorage(location=private_root(), base_url=None)


def stale_seconds():
    return int(getattr(settings, "EDITION_IMPORT_STALE_SECONDS", 120))


def max_source_bytes():
    return int(getattr(settings, "EDITION_MAX_SOURCE_BYTES", 200 * 1024 * 1024))


def min_figure_width():
    return int(getattr(settings, "EDITION_MIN_FIGURE_WIDTH", 600))
