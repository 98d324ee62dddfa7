"""Files kept between two submissions of an admin form, so an editor never chooses one twice.

When a form fails (a bad PDF, a missing title), the browser forgets every file chosen in
it. The valid ones are copied here, in a private folder (editorial.conf), and the form
carries a signed token per file in a hidden field; the next submission gives the file back
unless the editor chose another one. Tokens name the staff user they were made for and
expire with the files (PENDING_UPLOAD_MAX_AGE); expired files are deleted whenever a new
one is kept.

The folder is the site's alone: created 0700, each file 0600, and a folder owned by
another user (who could read or replace what editors upload) is never used: the start-up
check (`folder_problems`) reports it, and a kept file is then simply not kept.
"""

import logging
import os
import re
import shutil
import stat
import time
import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.files.uploadedfile import UploadedFile

from . import conf

logger = logging.getLogger(__name__)

SALT = "publications.pending-upload"  # unchanged: tokens in open forms stay valid
_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class KeptUpload:
    """What the form needs to show and resend a kept file."""

    token: str
    name: str
    size: int
    kept_at: float


class RestoredUpload(UploadedFile):
    """A kept file given back to the form, read from its private copy."""

    def __init__(self, path, name, content_type, size, kept):
        super().__init__(open(path, "rb"), name, content_type, size)
        self.path = path
        self.kept = kept

    def temporary_file_path(self):
        return str(self.path)


def folder_problems(folder=None):
    """What is wrong with the kept-uploads folder (one sentence each); [] when it is sound
    or does not exist yet (it is created 0700 when first needed)."""
    folder = folder or conf.pending_uploads_dir()
    try:
        status = folder.lstat()
    except FileNotFoundError:
        return []
    if not stat.S_ISDIR(status.st_mode):
        return [f"{folder} is not a folder."]
    problems = []
    if status.st_uid != os.geteuid():
        problems.append(
            f"{folder} belongs to user id {status.st_uid}, not to this site's user "
            f"({os.geteuid()}): that user could read or replace the files editors upload."
        )
    if stat.S_IMODE(status.st_mode) & 0o077:
        problems.append(
            f"{folder} is open to other users (mode {stat.S_IMODE(status.st_mode):o}); "
            "it must be 0700."
        )
    return problems


def _folder():
    folder = conf.pending_uploads_dir()
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.chmod(0o700)  # whatever the umask
    problems = folder_problems(folder)
    if problems:
        raise PermissionError(" ".join(problems))
    return folder


def delete_expired(now=None):
    """Delete kept files older than PENDING_UPLOAD_MAX_AGE; returns how many."""
    folder = conf.pending_uploads_dir()
    if not folder.is_dir():
        return 0
    limit = (now or time.time()) - conf.pending_upload_max_age()
    deleted = 0
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            pass  # another worker deleted it first
    return deleted


def keep(upload, user):
    """Copy `upload` (a valid UploadedFile) aside; returns its KeptUpload, or None when the
    folder cannot be used safely (logged; the editor then chooses the file again)."""
    if isinstance(upload, RestoredUpload):
        return upload.kept  # already kept: same file, same token
    try:
        folder = _folder()
    except OSError as error:
        logger.error("Upload not kept for the next submission: %s", error)
        return None
    delete_expired()
    file_id = uuid.uuid4().hex
    upload.seek(0)
    descriptor = os.open(folder / file_id, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as copy:
        shutil.copyfileobj(upload, copy, 1024 * 1024)
    upload.seek(0)
    kept_at = time.time()
    token = signing.dumps(
        {
            "id": file_id,
            "name": upload.name,
            "type": upload.content_type or "application/octet-stream",
            "size": upload.size,
            "user": user.pk,
            "at": kept_at,
        },
        salt=SALT,
    )
    return KeptUpload(token, upload.name, upload.size, kept_at)


def restore(token, user):
    """The kept file for `token` as an UploadedFile, or None if it is unknown, tampered
    with, made for another user, expired or already deleted."""
    try:
        data = signing.loads(token, salt=SALT, max_age=conf.pending_upload_max_age())
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("user") != user.pk:
        return None
    if not _ID.match(str(data.get("id", ""))):
        return None
    path = conf.pending_uploads_dir() / data["id"]
    if not path.is_file():
        return None
    kept = KeptUpload(token, str(data["name"]), int(data["size"]), float(data["at"]))
    return RestoredUpload(path, kept.name, str(data["type"]), path.stat().st_size, kept)
