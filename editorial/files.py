"""Files follow their content's state: private while only a draft has them, public once
what they belong to is live.

Two stores (Django STORAGES):

- "default", the public store: MEDIA_ROOT served at MEDIA_URL, or on S3 the bucket's
  public prefix (`published/`, the only part the bucket policy lets anyone read). It holds
  copies of the files of live content, and image renditions, nothing else.
- "drafts", the private store: PRIVATE_MEDIA_ROOT (outside MEDIA_ROOT, 0700/0600), or on
  S3 the bucket's `drafts/` prefix, which the bucket policy refuses to anonymous readers.
  Every upload lands here, cleaned (editorial.cleaning), under a content-addressed name,
  and stays: revisions, restore and recovery may bring it back.

File fields of draftable content use `EditorialStorage` (`storage=editorial_storage`): it
saves into the private store, reads from whichever store holds a file, and gives the
public address, except while a preview renders (`addressed_under`), when addresses lead to
the preview's own file view (editorial.previews), which serves a file only if it is the
previewed item's, to staff with rights on it or through a valid share link, `no-store`.

`publish_files` copies files to the public store when their item is (or becomes) live;
`withdraw_files` removes public copies (keeping a private one) when it stops being live or
is deleted. editorial.signals call them on every save and deletion, whatever saves.
"""

import contextvars
import hashlib
import mimetypes
import re
from contextlib import contextmanager
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

from . import cleaning

PRIVATE_STORE = "drafts"
_DIGEST = re.compile(r"-([0-9a-f]{16})(\.[A-Za-z0-9]+)$")
_preview_base = contextvars.ContextVar("editorial_preview_base", default=None)


def public_storage():
    return storages["default"]


def private_storage():
    return storages[PRIVATE_STORE]


class PrivateFileSystemStorage(FileSystemStorage):
    """The private store on local disk: PRIVATE_MEDIA_ROOT, no address, owner-only modes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def base_url(self):
        return None

    @property
    def location(self):
        from os.path import abspath

        return abspath(self.base_location)

    def url(self, name):
        raise ValueError("Files in the private store have no public address.")


def is_content_addressed(name):
    """Whether `name` is a stored name (ContentAddressedPath: `…-<16 hex digits>.<ext>`)."""
    return bool(_DIGEST.search(name)) and ".." not in name.split("/")


def _content_name(name, data):
    """`name` with its content digest (ContentAddressedPath) made that of `data`: the
    digest names what is stored, i.e. the cleaned file."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    return _DIGEST.sub(lambda match: f"-{digest}{match[2]}", name)


def _cleaned_bytes(content):
    # An upload checked before the admin's transaction carries its cleaned bytes
    # (editorial.uploads.precheck_upload); a file cleaned by a field is marked.
    precleaned = getattr(content, "metadata_free_content", None)
    if precleaned is None:
        precleaned = getattr(getattr(content, "file", None), "metadata_free_content", None)
    if precleaned is not None:
        return precleaned
    if hasattr(content, "seek"):
        content.seek(0)
    data = content.read()
    if getattr(content, "editorial_cleaned", False):
        return data
    return cleaning.clean(data)


def cleaned_file(data, name=None):
    """A ContentFile of already cleaned `data` (it is not cleaned again when stored)."""
    file = ContentFile(data, name=name)
    file.editorial_cleaned = True
    file.metadata_free_content = data
    return file


@deconstructible
class EditorialStorage(Storage):
    """The storage of draftable content's file fields (see the module docstring)."""

    def _save(self, name, content):
        data = _cleaned_bytes(content)
        name = _content_name(name, data)
        private = private_storage()
        if not private.exists(name):
            name = private.save(name, cleaned_file(data))
        return name

    def get_available_name(self, name, max_length=None):
        return name  # content-addressed: the same name is the same content

    def _store_of(self, name):
        private = private_storage()
        return private if private.exists(name) else public_storage()

    def _open(self, name, mode="rb"):
        return self._store_of(name).open(name, mode)

    def exists(self, name):
        return private_storage().exists(name) or public_storage().exists(name)

    def size(self, name):
        return self._store_of(name).size(name)

    def delete(self, name):
        """Nothing: stored files are shared by revisions; withdraw_files unpublishes."""

    def url(self, name):
        base = _preview_base.get()
        if base is not None:
            return base + name
        return public_storage().url(name)


def editorial_storage():
    return EditorialStorage()


@contextmanager
def addressed_under(base):
    """While rendering a preview: every editorial file's address is `base` + its name."""
    token = _preview_base.set(base)
    try:
        yield
    finally:
        _preview_base.reset(token)


def stored_name(field_file):
    """The storage name of a file field's value, storing a fresh upload (cleaned, private)
    first."""
    if not field_file:
        return ""
    if isinstance(field_file, FieldFile) and not field_file._committed:
        field_file.save(field_file.name, field_file.file, save=False)
    return field_file.name


def publish_files(names):
    """Copy these files to the public store (those not there yet)."""
    public, private = public_storage(), private_storage()
    for name in sorted(filter(None, names)):
        if public.exists(name):
            continue
        with private.open(name, "rb") as source:
            public.save(name, cleaned_file(source.read()))


def withdraw_files(names):
    """Remove these files from the public store, keeping a private copy of each."""
    public, private = public_storage(), private_storage()
    for name in sorted(filter(None, names)):
        if not public.exists(name):
            continue
        if not private.exists(name):
            with public.open(name, "rb") as source:
                private.save(name, cleaned_file(source.read()))
        public.delete(name)


def file_response(name):
    """A stored file for a preview: never cached, never sniffed, never a page."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(EditorialStorage().open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{PurePosixPath(name).name}"'
    # A PDF viewer must not run what a file might carry, should cleaning ever miss it.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response
