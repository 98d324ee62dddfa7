"""Responsive renditions of the images editors upload (front covers and partner logos).

Editors upload print-quality files (a front cover can be 4000 × 5600 pixels and several
megabytes); visitors get small WebP renditions in a few widths instead, chosen by the
browser from `srcset`. Renditions are made once, with Pillow, when a model is saved with
a new image (or by `manage.py regenerate_renditions` when the sizes below change), and
stored in MEDIA under names derived from their content. Pages only read the list of
renditions stored on the model: a page view never opens or encodes an image.

Renditions are made after the save is committed, from the file already stored, and
recorded in a short transaction of their own: with SQLite one connection writes at a time,
and visitors' consent decisions must not wait seconds for Pillow. Until they are recorded,
pages show the (metadata-free) original.

Each rendition is upright (EXIF orientation applied), in sRGB (an embedded colour profile
is converted, not dropped), and carries no metadata (EXIF, GPS, XMP, ICC are not copied).
"""

import hashlib
import io
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageCms

from editorial.files import public_storage
from reportsite.pagecache import content_changed

WEBP_QUALITY = 78
JPEG_QUALITY = 82


@dataclass(frozen=True)
class RenditionSpec:
    """Where an image's renditions go and which widths (in pixels) they come in."""

    folder: str
    widths: tuple
    # One JPEG (or PNG, with transparency) for browsers without WebP and for social cards.
    fallback_width: int


COVER = RenditionSpec("renditions/covers", (320, 480, 640, 960, 1280), 960)
LOGO = RenditionSpec("renditions/logos", (160, 240, 320, 480, 640), 480)


def target_widths(original_width, widths):
    """The spec's widths, never wider than the original (which then is the largest)."""
    return sorted({min(width, original_width) for width in widths})


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def _to_srgb(image):
    """Return an RGB or RGBA copy of `image` in sRGB, converting an embedded profile."""
    mode = "RGBA" if _has_alpha(image) else "RGB"
    icc = image.info.get("icc_profile")
    if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        image = image.convert(mode)
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode=mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            # A broken profile: treat the pixels as sRGB, as browsers would.
            pass
    return image.convert(mode)


# EXIF orientation -> the transposition that shows the image upright (as ImageOps does).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90,
}


def _working_copy(opened, largest):
    """The image to make renditions from: upright, sRGB, and no larger than needed (both
    sides at least `largest`, whichever way EXIF turns it).

    A print-sized upload (49 megapixels: 147 MB as RGB) is held in full once, never more:
    JPEG decodes straight at 1/2, 1/4 or 1/8 scale (draft), other formats are decoded, then
    box-reduced by a whole factor (Image.reduce, which averages, so no detail is lost that
    the renditions would keep) before the full-size copy is let go; turning it upright and
    converting its colours then work on the small copy.
    """
    try:
        orientation = opened.getexif().get(0x0112, 1)
    except (OSError, ValueError, SyntaxError):
        orientation = 1
    icc = opened.info.get("icc_profile")
    opened.draft(None, (largest, largest))
    opened.load()
    image = opened
    factor = min(opened.width, opened.height) // largest
    if factor >= 2:
        if opened.mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
            # Palette and one-bit images first become true colour (reduce() needs it).
            image = opened.convert("RGBA" if _has_alpha(opened) else "RGB")
            opened.close()
        try:
            reduced = image.reduce(factor)
        except ValueError:
            reduced = image  # a mode reduce() does not know: resized in full below
        else:
            image.close()
        image = reduced
    if orientation in _UPRIGHT:
        image = image.transpose(_UPRIGHT[orientation])
    if icc:
        image.info["icc_profile"] = icc
    return _to_srgb(image)


def _encode(image, image_format):
    image.info = {}  # nothing of the original's metadata goes out
    buffer = io.BytesIO()
    if image_format == "WEBP":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    elif image_format == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


EXTENSIONS = {"WEBP": "webp", "JPEG": "jpg", "PNG": "png"}
CONTENT_TYPES = {"WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png"}


def _store(storage, folder, stem, width, image_format, data, counts):
    digest = hashlib.sha256(data).hexdigest()[:16]
    name = f"{folder}/{stem}-{width}w-{digest}.{EXTENSIONS[image_format]}"
    # The name says the content: an existing file with this name is this rendition.
    if storage.exists(name):
        counts["unchanged"] += 1
    else:
        name = storage.save(name, ContentFile(data))
        counts["written"] += 1
    return name


def generate(field_file, spec, storage=None):
    """Make (or find) the renditions of a stored image, in `storage`.

    Returns `(renditions, counts)`: the dict to store on the model, and how many files
    were written or already present.
    """
    # Read from wherever the original is (editorial.files). By default renditions are of
    # what visitors may see (a live item's cover), so they go to the public store; the
    # figures of a draft edition pass their private store, and Publish copies them.
    storage = storage or public_storage()
    stem = PurePath(field_file.name).stem[:60]
    counts = {"written": 0, "unchanged": 0}
    with field_file.storage.open(field_file.name, "rb") as stored, Image.open(stored) as opened:
        image = _working_copy(opened, max(spec.widths))
    width, height = image.size
    alpha = image.mode == "RGBA"

    def resized(target_width):
        target_height = max(1, round(height * target_width / width))
        if target_width == width:
            return image.copy()
        return image.resize((target_width, target_height), Image.LANCZOS, reducing_gap=3.0)

    webp = []
    for target_width in target_widths(width, spec.widths):
        rendition = resized(target_width)
        name = _store(storage, spec.folder, stem, target_width, "WEBP", _encode(rendition, "WEBP"), counts)
        webp.append({"name": name, "width": rendition.width, "height": rendition.height})

    fallback_format = "PNG" if alpha else "JPEG"
    rendition = resized(min(spec.fallback_width, width))
    fallback = {
        "name": _store(
            storage, spec.folder, stem, rendition.width, fallback_format,
            _encode(rendition, fallback_format), counts,
        ),
        "width": rendition.width,
        "height": rendition.height,
        "type": CONTENT_TYPES[fallback_format],
    }
    renditions = {
        "source": field_file.name,
        "width": width,
        "height": height,
        "webp": webp,
        "fallback": fallback,
    }
    return renditions, counts


def refresh(instance, field_name, spec, force=False):
    """Bring `<field_name>_renditions` on a saved instance up to date with its image.

    Does nothing when the renditions already belong to the current file (unless `force`).
    Returns the counts of files written and found, or None when nothing was needed.
    """
    field_file = getattr(instance, field_name)
    store = f"{field_name}_renditions"
    current = getattr(instance, store) or {}
    if not field_file:
        renditions, counts = {}, {"written": 0, "unchanged": 0}
    elif current.get("source") == field_file.name and not force:
        return None
    else:
        renditions, counts = generate(field_file, spec)
    if renditions != current:
        setattr(instance, store, renditions)
        # Only this column: saving again would touch updated_at and run save() hooks.
        with transaction.atomic():
            type(instance)._default_manager.filter(pk=instance.pk).update(**{store: renditions})
        # Pages cached since the save show the original: they now get the renditions.
        content_changed()
    return counts


def refresh_after_commit(instance, field_name, spec):
    """Make the renditions of a just-saved image once the save is committed (at once when
    no transaction is open), outside the write transaction."""
    field_file = getattr(instance, field_name)
    current = getattr(instance, f"{field_name}_renditions") or {}
    if field_file and current.get("source") == field_file.name:
        return
    # robust: the save is committed whatever happens here; a failure is logged, and the
    # page shows the original until `manage.py regenerate_renditions` runs.
    transaction.on_commit(partial(refresh, instance, field_name, spec), robust=True)
