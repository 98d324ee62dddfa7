"""Checks and storage names for files editors upload: cover images, logos and PDFs.

Files are judged by their content (Pillow, pypdf), never by their name, and stored under
a name derived from the item they belong to and their content: a changed file always gets
a new URL (which lets the media server mark files as cacheable forever), and the uploader's
own file name (often a person's name or a camera's numbering) never becomes public.
Every stored file is cleaned first (editorial.cleaning: images lose their metadata, PDFs
their document information, XMP, scripts and attachments); a file checked here before the
admin's transaction carries its cleaned bytes, so the storage does not clean it again.
"""

import hashlib
from pathlib import PurePath

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from . import cleaning

# Pillow format name -> file extension used when storing.
ALLOWED_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _rewind(file):
    if hasattr(file, "seek"):
        file.seek(0)


def inspect_image(file):
    """Return the Pillow format of an uploaded image, or raise ValidationError."""
    if file.size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise ValidationError(
            "This image is %(size)s; the largest image accepted is %(limit)s. "
            "Export a smaller version (for example 3000 pixels on the longest side).",
            code="image_too_large",
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.MAX_IMAGE_UPLOAD_BYTES),
            },
        )
    _rewind(file)
    try:
        with Image.open(file) as image:
            image_format = image.format
            width, height = image.size
            if image_format not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError(
                    "This file is a %(format)s image; only JPEG, PNG and WebP images are accepted.",
                    code="image_format",
                    params={"format": image_format or "unknown"},
                )
            if width * height > settings.MAX_IMAGE_PIXELS:
                raise ValidationError(
                    "This image is %(width)s × %(height)s pixels; images may have at most "
                    "%(limit)s million pixels.",
                    code="image_too_many_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "limit": settings.MAX_IMAGE_PIXELS // 1_000_000,
                    },
                )
            image.verify()
        # verify() does not decode pixels (a truncated JPEG passes it); renditions will, so
        # the whole file is decoded now, once, and let go at once. A JPEG is decoded at 1/8
        # scale (every byte of it is still read and checked) to spare time and memory.
        _rewind(file)
        with Image.open(file) as image:
            image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            "This image has far too many pixels to be processed safely.",
            code="image_too_many_pixels",
        )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not a readable JPEG, PNG or WebP image (whatever its name says).",
            code="image_invalid",
        )
    finally:
        _rewind(file)
    return image_format


def _checked(file, attribute):
    """What precheck_upload found, on an upload or on the model's FieldFile wrapping it."""
    for candidate in (file, getattr(file, "_file", None)):
        value = getattr(candidate, attribute, None)
        if value is not None:
            return value
    return None


def validate_image_upload(file):
    # Files already stored were checked when they were uploaded; an upload checked before
    # the admin's write transaction (editorial.admin_forms) is not decoded twice.
    if getattr(file, "_committed", False) or _checked(file, "checked_image_format"):
        return
    inspect_image(file)


def precheck_upload(file):
    """Check an upload now (an image is decoded and cleaned of metadata, a PDF read) and
    remember the results on it, so that the model does not do it again later, inside a
    transaction. Errors are left for the form to report."""
    _rewind(file)
    is_pdf = file.read(5) == b"%PDF-"
    _rewind(file)
    try:
        if is_pdf:
            file.checked_page_count = inspect_pdf(file)
        else:
            file.checked_image_format = inspect_image(file)
        _rewind(file)
        file.metadata_free_content = cleaning.clean(file.read())
    except (ValidationError, OSError, ValueError, SyntaxError, pikepdf.PdfError):
        pass
    finally:
        _rewind(file)


class MetadataFreeImageField(models.ImageField):
    """An ImageField whose new files are stored without EXIF, XMP, IPTC or comments
    (orientation and colour profile kept), whoever saves them: admin, seed or shell."""

    def pre_save(self, model_instance, add):
        clean_pending(getattr(model_instance, self.attname))
        return super().pre_save(model_instance, add)


def clean_pending(field_file):
    """Replace a not-yet-stored upload by its cleaned bytes (editorial.cleaning), so that
    its content-addressed name and size are those of what is stored."""
    if not field_file or field_file._committed:
        return
    if getattr(field_file.file, "editorial_cleaned", False):
        return
    cleaned = _checked(field_file, "metadata_free_content")
    if cleaned is None:
        _rewind(field_file.file)
        cleaned = cleaning.clean(field_file.file.read())
    field_file.file = ContentFile(cleaned, name=field_file.name)
    field_file.file.editorial_cleaned = True


def inspect_pdf(file):
    """Return the number of pages of an uploaded PDF, or raise ValidationError."""
    if file.size > settings.MAX_PDF_UPLOAD_BYTES:
        raise ValidationError(
            "This PDF is %(size)s; the largest PDF accepted is %(limit)s.",
            code="pdf_too_large",
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.MAX_PDF_UPLOAD_BYTES),
            },
        )
    _rewind(file)
    try:
        if file.read(5) != b"%PDF-":
            raise ValidationError(
                "This file is not a PDF document (whatever its name says).", code="pdf_invalid"
            )
        _rewind(file)
        return len(PdfReader(file).pages)
    except ValidationError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise ValidationError(
            "This PDF is damaged and cannot be read; export it again and re-upload it.",
            code="pdf_invalid",
        )
    finally:
        _rewind(file)


def validate_pdf_upload(file):
    if getattr(file, "_committed", False):
        return
    # Kept on the file so the model can store it without reading the PDF again.
    checked = _checked(file, "checked_page_count")
    file.checked_page_count = checked if checked is not None else inspect_pdf(file)


@deconstructible
class ContentAddressedPath:
    """`upload_to` that names a file `<folder>/<item slug>-<sha256 prefix>.<ext>`.

    The item slug is the model's `public_file_stem` (e.g. the publication's slug).

    The name changes whenever the content does, so the media server can let browsers
    cache files for a year. For images the extension comes from the detected format, so a
    JPEG uploaded as `cover.png` is stored (and served) as a JPEG.
    """

    def __init__(self, folder, field_name, extension=None):
        self.folder = folder
        self.field_name = field_name
        # For files checked to be of one type (PDFs): the extension, whatever the name says.
        self.extension = extension

    def __call__(self, instance, filename):
        return self.name_for(instance, getattr(instance, self.field_name).file, filename)

    def name_for(self, instance, upload, filename):
        """The name `upload` (a file with this content) gets when stored for `instance`."""
        # The item's own name (its `public_file_stem`), never the uploader's file name.
        stem = slugify(getattr(instance, "public_file_stem", "") or "")[:60] or self.field_name
        extension = self.extension or PurePath(filename).suffix.lower().lstrip(".")
        _rewind(upload)
        try:
            with Image.open(upload) as image:
                extension = ALLOWED_IMAGE_FORMATS.get(image.format, extension)
        except (UnidentifiedImageError, OSError, ValueError):
            pass
        return f"{self.folder}/{stem}-{content_digest(upload)}.{extension}"

    def __eq__(self, other):
        return (
            isinstance(other, ContentAddressedPath)
            and (other.folder, other.field_name, other.extension)
            == (self.folder, self.field_name, self.extension)
        )


def content_digest(file):
    digest = hashlib.sha256()
    _rewind(file)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    _rewind(file)
    return digest.hexdigest()[:16]
