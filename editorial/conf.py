"""Settings of the editorial app, with their defaults (override them in Django settings;
the project reads them from the environment, see .env.example).

PRIVATE_MEDIA_ROOT
    The private store on local disk (editorial.files): uploads that only drafts have, and
    every upload ever kept for revisions. Never under MEDIA_ROOT; readable by the app only.
PENDING_UPLOADS_DIR
    Where a valid file chosen in an admin form that failed for another reason waits for
    the next submission (editorial.pending_uploads). Private: never under MEDIA_ROOT,
    never a folder other users or other sites on the machine share; the folder is 0700 and
    its files 0600, and a start-up check reports a folder of another owner or open to
    others. Set from the environment (`PENDING_UPLOADS_DIR`, relative paths taken from the
    project folder); default `var/pending-uploads` in the project folder. With several
    servers behind a load balancer, point it at a folder they share.
PENDING_UPLOAD_MAX_AGE
    Seconds a kept file stays usable; older ones are deleted. Default: one day.
"""

from pathlib import Path

from django.conf import settings


def pending_uploads_dir():
    default = Path(settings.BASE_DIR) / "var" / "pending-uploads"
    return Path(getattr(settings, "PENDING_UPLOADS_DIR", None) or default)


def pending_upload_max_age():
    return int(getattr(settings, "PENDING_UPLOAD_MAX_AGE", 24 * 60 * 60))


def private_media_root():
    return Path(settings.PRIVATE_MEDIA_ROOT)
