"""A visitor who downloads a cover or logo learns nothing about who took the photo or where:
no EXIF (GPS, camera), XMP or IPTC, and no uploader's file name in any public address."""

import hashlib
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image, ImageCms, IptcImagePlugin

from editorial.image_metadata import metadata_found, strip_metadata
from publications.models import Publication, PublicationDocument
from tests.test_editor_manages_content import pdf_bytes, publication_form, with_document

pytestmark = pytest.mark.django_db

SECRETS = [b"SecretCam", b"ModelX-9", b"Jane Photographer", b"jane-at-home", b"Jane XMP"]
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:creator>Jane XMP</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def camera_exif(orientation=6):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0110] = "ModelX-9"  # Model
    exif[0x013B] = "Jane Photographer"  # Artist
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.9)}  # GPSInfo
    return exif


def iptc_segment():
    """An APP13 Photoshop/IPTC block naming the photographer (by-line, 2:80)."""
    record = b"\x1c\x02\x50" + len(b"Jane Photographer").to_bytes(2, "big") + b"Jane Photographer"
    resource = b"8BIM\x04\x04\x00\x00" + len(record).to_bytes(4, "big") + record
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload


def photo_with_metadata(image_format="JPEG", size=(600, 400)):
    image = Image.effect_noise(size, 30).convert("RGB")
    buffer = io.BytesIO()
    options = {"exif": camera_exif(), "icc_profile": SRGB}
    if image_format == "JPEG":
        options.update(comment=b"jane-at-home", xmp=XMP, quality=90)
    if image_format == "WEBP":
        options.update(xmp=XMP)
    image.save(buffer, image_format, **options)
    data = buffer.getvalue()
    if image_format == "JPEG":
        data = data[:2] + iptc_segment() + data[2:]
    return data


def test_the_test_photo_really_carries_metadata():
    data = photo_with_metadata()
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif().get_ifd(0x8825)[1] == "N"
        assert IptcImagePlugin.getiptcinfo(image)
    assert all(secret in data for secret in SECRETS[:4])
    assert len(metadata_found(data)) >= 4


def assert_clean(data, url):
    assert not metadata_found(data), (url, metadata_found(data))
    for secret in SECRETS:
        assert secret not in data, (url, secret)
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif().get_ifd(0x8825), url
        assert IptcImagePlugin.getiptcinfo(image) is None, url


def media_urls(html):
    urls = set(re.findall(r'(?:src|href|content)="([^"]*/media/[^"]*)"', html))
    for srcset in re.findall(r'srcset="([^"]*)"', html):
        urls.update(part.split()[0] for part in srcset.split(","))
    return {re.sub(r"^https?://[^/]+", "", url) for url in urls}


def test_photo_uploaded_with_gps_reaches_visitors_without_any_metadata(
    editor_client, client, make_upload, django_capture_on_commit_callbacks
):
    original = photo_with_metadata()
    data = with_document(
        publication_form(
            cover=make_upload("IMG_2041 jane-at-home.jpg", content=original, content_type="image/jpeg")
        ),
        make_upload("jane-at-home draft v3.pdf", content=pdf_bytes(), content_type="application/pdf"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post("/admin/publications/publication/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    publication = Publication.objects.get()
    assert publication.cover_renditions["webp"], "renditions are made once the save commits"

    editor_client.logout()
    pages = ["/", "/publications/", publication.get_absolute_url()]
    urls = set()
    for path in pages:
        html = client.get(path).content.decode()
        assert "jane" not in html.lower(), path
        assert "IMG_2041" not in html, path
        urls |= media_urls(html)
    images = {url for url in urls if not url.endswith(".pdf")}
    # The original download link, the WebP widths and the JPEG fallback.
    assert publication.cover.url in images and len(images) >= 3, images
    assert any(url.endswith(".pdf") for url in urls), urls
    for url in urls:
        assert url.startswith("/media/") and "jane" not in url.lower(), url
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if url in images:
            assert_clean(body, url)

    # The download keeps what a visitor needs: pixels, orientation and colour profile.
    with publication.cover.open("rb") as stored:
        downloaded = stored.read()
    with Image.open(io.BytesIO(downloaded)) as clean, Image.open(io.BytesIO(original)) as before:
        assert clean.getexif().get(0x0112) == 6
        assert clean.info.get("icc_profile") == SRGB
        assert clean.tobytes() == before.tobytes(), "cleaning is lossless"
    assert publication.cover.name.startswith(f"covers/{publication.slug}-")
    document = publication.documents.get()
    assert document.file.name.startswith(f"documents/{publication.slug}-full-report-en-")


@pytest.mark.parametrize("image_format", ["PNG", "WEBP"])
def test_png_and_webp_uploads_lose_their_metadata_too(make_publication, make_upload, image_format):
    data = photo_with_metadata(image_format)
    assert metadata_found(data)
    publication = make_publication(cover=make_upload(f"jane.{image_format.lower()}", content=data))
    with publication.cover.open("rb") as stored:
        assert_clean(stored.read(), publication.cover.name)
    for rendition in [*publication.cover_renditions["webp"], publication.cover_renditions["fallback"]]:
        with publication.cover.storage.open(rendition["name"], "rb") as stored:
            assert_clean(stored.read(), rendition["name"])


def test_operator_cleans_and_renames_files_stored_before(make_publication, media_root):
    from editorial.files import public_storage

    publication = make_publication(slug="older-report")
    # As main stored uploads before: bytes as uploaded, named after the file, public.
    storage = public_storage()
    leaky = photo_with_metadata()
    old_name = storage.save(
        f"covers/img_2041-jane-at-home-{hashlib.sha256(leaky).hexdigest()[:16]}.jpg", ContentFile(leaky)
    )
    Publication.objects.filter(pk=publication.pk).update(cover=old_name, cover_renditions={})
    old_pdf = storage.save("documents/jane-at-home-draft-v3-0123456789abcdef.pdf", ContentFile(pdf_bytes()))
    PublicationDocument.objects.create(publication=publication, file=old_pdf, file_size=1, page_count=2)
    call_command("regenerate_renditions", stdout=io.StringIO(), stderr=io.StringIO())
    publication.refresh_from_db()
    old_renditions = [r["name"] for r in publication.cover_renditions["webp"]]
    assert all("jane" in name for name in old_renditions)

    out = io.StringIO()
    call_command("strip_image_metadata", stdout=out, stderr=io.StringIO())
    # The PDF's document information goes too (editorial.cleaning).
    assert "2 files cleaned of metadata, 0 files only renamed" in out.getvalue(), out.getvalue()

    publication.refresh_from_db()
    assert publication.cover.name.startswith("covers/older-report-")
    with publication.cover.open("rb") as stored:
        assert_clean(stored.read(), publication.cover.name)
    assert all("older-report" in r["name"] for r in publication.cover_renditions["webp"])
    assert publication.documents.get().file.name.startswith("documents/older-report-full-report-en-")
    for gone in [old_name, old_pdf, *old_renditions]:
        assert not storage.exists(gone), gone
    assert not any("jane" in str(path) for path in media_root.rglob("*"))

    again = io.StringIO()
    call_command("strip_image_metadata", stdout=again, stderr=io.StringIO())
    assert "0 files cleaned of metadata, 0 files only renamed, 2 already clean" in again.getvalue()


def test_cleaning_keeps_an_already_clean_file_byte_for_byte(make_upload):
    data = make_upload("cover.png").read()
    assert strip_metadata(data) is data
