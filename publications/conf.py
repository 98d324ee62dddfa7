"""Settings of the publications app, with their defaults (override them in Django settings).

PENDING_UPLOADS_DIR
    Where a valid file chosen in an admin form that failed for another reason waits for
    the next submission (publications.pending_uploads). Private: never under MEDIA_ROOT.
    Default: `reportsite-pending-uploads` in the system's temporary folder. With several
    servers behind a load balancer, point it at a folder they share.
PENDING_UPLOAD_MAX_AGE
    Seconds a kept file stays usable; older ones are deleted. Default: one day.
"""

import tempfile
from pathlib import Path

from django.conf import settings


def pending_uploads_dir():
    default = Path(tempfile.gettempdir()) / "reportsite-pending-uploads"
    return Path(getattr(settings, "PENDING_UPLOADS_DIR", default))


def pending_upload_max_age():
    return int(getattr(settings, "PENDING_UPLOAD_MAX_AGE", 24 * 60 * 60))
