"""Removing what a photo says about its author before anyone can download it.

Cameras and editing tools write EXIF (GPS position, camera, serial numbers, dates), XMP
(names, software history) and IPTC (captions, credits) into images. Front covers and
logos are offered as downloads byte for byte, so every image is cleaned when it is
uploaded (and `manage.py strip_image_metadata` cleans files stored before).

Cleaning is lossless: the file's containers (JPEG segments, PNG chunks, WebP RIFF chunks)
are copied except the metadata ones, so the pixels and their compression are untouched.
Kept: the colour profile (ICC), and the orientation, rewritten as a minimal EXIF block
holding only that tag so the image still shows upright. A file whose structure the walk
cannot follow is re-encoded by Pillow instead (orientation applied, profile kept).
"""

import io
import struct
import zlib

from PIL import Image, ImageOps

ORIENTATION_TAG = 0x0112
# Tags the cleaned file may still carry (Pillow adds its own EXIF pointer tags: none).
ALLOWED_EXIF_TAGS = {ORIENTATION_TAG}


class UnsupportedStructure(ValueError):
    """The container walk met something it does not follow; re-encode instead."""


def _exif(image, data):
    """The EXIF of `image` (opened from `data`) without decoding its pixels: for a PNG,
    Pillow's getexif() decodes the whole image in case an eXIf chunk follows the pixels
    (seconds, and a full-size copy in memory, for a print-sized file)."""
    if image.format != "PNG":
        return image.getexif()
    exif = Image.Exif()
    for kind, payload in _png_chunks(data):
        if kind == b"eXIf":
            exif.load(payload)
            break
    return exif


def _orientation(image, data):
    try:
        value = _exif(image, data).get(ORIENTATION_TAG, 1)
    except (OSError, ValueError, SyntaxError, struct.error):
        return 1
    return value if value in range(2, 9) else 1


def _orientation_exif(orientation):
    """b"Exif\\0\\0" + a TIFF header with one tag (orientation), or b"" when upright."""
    if orientation == 1:
        return b""
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = orientation
    return exif.tobytes()


# JPEG ---------------------------------------------------------------------------------

_APP0, _APP2, _APP14, _SOS, _EOI, _COM = 0xE0, 0xE2, 0xEE, 0xDA, 0xD9, 0xFE
_STANDALONE = {0x01, 0xD8, *range(0xD0, 0xD8)}


def _keep_jpeg_segment(marker, payload):
    if marker == _APP0:  # JFIF / JFXX header
        return True
    if marker == _APP2:
        return payload.startswith(b"ICC_PROFILE\0")
    if marker == _APP14:  # Adobe: says how CMYK / YCCK colours are stored
        return payload.startswith(b"Adobe")
    # Every other APPn (EXIF, XMP, IPTC, MPF, FlashPix…) and comments go.
    return not (0xE0 <= marker <= 0xEF or marker == _COM)


def _clean_jpeg(data, orientation):
    if data[:2] != b"\xff\xd8":
        raise UnsupportedStructure("no JPEG start")
    out = [b"\xff\xd8"]
    exif = _orientation_exif(orientation)
    exif_written = not exif
    pos, size = 2, len(data)
    while pos < size:
        if data[pos] != 0xFF:
            raise UnsupportedStructure(f"no marker at {pos}")
        marker = data[pos + 1] if pos + 1 < size else None
        if marker is None:
            raise UnsupportedStructure("truncated")
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            out.append(data[pos:pos + 2])
            pos += 2
            continue
        if marker == _EOI:
            out.append(b"\xff\xd9")
            break  # anything after the image (trailers, second pictures) goes
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        end = pos + 2 + length
        if length < 2 or end > size:
            raise UnsupportedStructure("bad segment length")
        payload = data[pos + 4:end]
        if not exif_written and marker != _APP0:
            out.append(b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif)
            exif_written = True
        if _keep_jpeg_segment(marker, payload):
            out.append(data[pos:end])
        pos = end
        if marker == _SOS:
            # Entropy-coded data: runs to the next marker that is not a stuffed 0xFF00
            # or a restart marker.
            scan_end = pos
            while True:
                scan_end = data.find(b"\xff", scan_end)
                if scan_end < 0 or scan_end + 1 >= size:
                    raise UnsupportedStructure("scan without end")
                following = data[scan_end + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    scan_end += 2
                    continue
                break
            out.append(data[pos:scan_end])
            pos = scan_end
    else:
        raise UnsupportedStructure("no end of image")
    return b"".join(out)


# PNG ----------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Image data, colour (iCCP, sRGB, gAMA, cHRM, cICP and HDR), transparency, physical size
# and animation. Text (tEXt, zTXt, iTXt: XMP lives there), eXIf and tIME go.
_PNG_KEPT = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT",
    b"sRGB", b"cICP", b"mDCV", b"cLLI", b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT",
}


def _png_chunks(data):
    """(kind, payload) of each chunk of a PNG's bytes, up to IEND, read without decoding."""
    pos = len(_PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        yield kind, data[pos + 8:pos + 8 + length]
        if kind == b"IEND":
            break
        pos += 12 + length


def _png_text_keywords(data):
    """The keywords of a PNG's text chunks (tEXt, zTXt, iTXt)."""
    return [
        payload[:80].split(b"\0", 1)[0].decode("latin-1")
        for kind, payload in _png_chunks(data) if kind in (b"tEXt", b"zTXt", b"iTXt")
    ]


def _png_chunk(kind, payload):
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _clean_png(data, orientation):
    if not data.startswith(_PNG_SIGNATURE):
        raise UnsupportedStructure("no PNG signature")
    out = [_PNG_SIGNATURE]
    # PNG's eXIf holds the TIFF structure without the "Exif\0\0" prefix.
    exif = _orientation_exif(orientation)[6:]
    pos, size = len(_PNG_SIGNATURE), len(data)
    while pos < size:
        if pos + 8 > size:
            raise UnsupportedStructure("truncated chunk")
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > size:
            raise UnsupportedStructure("bad chunk length")
        if kind in _PNG_KEPT:
            out.append(data[pos:end])
        if kind == b"IHDR" and exif:
            out.append(_png_chunk(b"eXIf", exif))
        pos = end
        if kind == b"IEND":
            break
    else:
        raise UnsupportedStructure("no IEND")
    return b"".join(out)


# WebP ---------------------------------------------------------------------------------

_WEBP_KEPT = {b"VP8X", b"ICCP", b"ANIM", b"ANMF", b"ALPH", b"VP8 ", b"VP8L"}
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _webp_chunk(kind, payload):
    return kind + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")


def _clean_webp(data, orientation):
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise UnsupportedStructure("no WebP header")
    chunks = []
    pos, size = 12, len(data)
    while pos + 8 <= size:
        kind = data[pos:pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4:pos + 8])
        end = pos + 8 + length
        if end > size:
            raise UnsupportedStructure("bad chunk length")
        chunks.append((kind, data[pos + 8:end]))
        pos = end + (length % 2)
    kept = [(kind, payload) for kind, payload in chunks if kind in _WEBP_KEPT]
    exif = _orientation_exif(orientation)[6:]
    if kept and kept[0][0] == b"VP8X":
        flags = kept[0][1][0] & ~(_VP8X_EXIF | _VP8X_XMP)
        if exif:
            flags |= _VP8X_EXIF
            kept.append((b"EXIF", exif))
        kept[0] = (b"VP8X", bytes([flags]) + kept[0][1][1:])
    # A simple (VP8/VP8L only) file cannot carry metadata at all: nothing to add.
    body = b"WEBP" + b"".join(_webp_chunk(kind, payload) for kind, payload in kept)
    return b"RIFF" + struct.pack("<I", len(body)) + body


_CLEANERS = {"JPEG": _clean_jpeg, "PNG": _clean_png, "WEBP": _clean_webp}


def _reencoded(image, image_format):
    """The fallback: pixels only (upright), with the colour profile."""
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    buffer = io.BytesIO()
    options = {"icc_profile": icc} if icc else {}
    if image_format == "JPEG":
        options.update(quality=95, subsampling=0)
    elif image_format == "WEBP":
        options.update(lossless=True)
    upright.save(buffer, image_format, **options)
    return buffer.getvalue()


def metadata_found(data):
    """What a downloader could read from `data` besides pixels, colour and orientation:
    a list of descriptions (empty for a clean image)."""
    found = []
    with Image.open(io.BytesIO(data)) as image:
        exif = _exif(image, data)
        extra_tags = set(exif) - ALLOWED_EXIF_TAGS
        if extra_tags:
            found.append(f"EXIF tags {sorted(extra_tags)}")
        for ifd in (0x8825, 0x8769):  # GPS, Exif sub-IFD
            if exif.get_ifd(ifd):
                found.append(f"EXIF IFD {ifd:#x}")
        for key in ("xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc"):
            if image.info.get(key):
                found.append(key)
        if image.format == "PNG":
            # Text chunks may follow the pixels; Pillow's `text` decodes the whole image
            # to reach them (seconds and a full-size copy for a print-sized file).
            text = sorted(_png_text_keywords(data))
            if text:
                found.append(f"PNG text {text}")
        if getattr(image, "applist", None):
            markers = [name for name, payload in image.applist if name not in ("APP0", "APP14")
                       and not (name == "APP2" and payload.startswith(b"ICC_PROFILE"))
                       and not (name == "APP1" and payload == _orientation_exif(
                           _orientation(image, data)))]
            if markers:
                found.append(f"JPEG segments {markers}")
    return found


def strip_metadata(data):
    """Return `data` (a JPEG, PNG or WebP file's bytes) without its metadata.

    Returns the same bytes object when there was nothing to remove.
    """
    with Image.open(io.BytesIO(data)) as image:
        image_format = image.format
        orientation = _orientation(image, data)
        cleaner = _CLEANERS.get(image_format)
        if cleaner is None:
            raise ValueError(f"not a JPEG, PNG or WebP image ({image_format})")
        try:
            cleaned = cleaner(data, orientation)
            # The pixel data is copied untouched: reading the headers back is check enough
            # (decoding a print-sized image again would cost seconds).
            with Image.open(io.BytesIO(cleaned)) as check:
                if check.size != image.size or metadata_found(cleaned):
                    raise UnsupportedStructure("the cleaned file does not check out")
        except (UnsupportedStructure, OSError, SyntaxError, struct.error):
            image.load()
            cleaned = _reencoded(image, image_format)
    return data if cleaned == data else cleaned
