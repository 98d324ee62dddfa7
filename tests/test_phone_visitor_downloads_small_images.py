"""A visitor on a phone gets small renditions of huge uploaded covers, in real Chromium,
and no page view ever re-encodes an image."""

import io

import pytest
from PIL import Image

from publications.models import Publication
from publications.seed import load_seed_content
from tests.browsers import image_bytes_received
from tests.conftest import save_and_commit
from tests.test_editor_manages_content import publication_form

PHONE = {"width": 390, "height": 844}
IMAGE_BUDGET_BYTES = 150_000


def huge_noisy_png():
    """A 4000 × 5600 print-sized cover whose noise keeps the PNG several megabytes."""
    size = (4000, 5600)
    noise = Image.effect_noise((2000, 2800), 40).resize(size, Image.NEAREST)
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (noise, gradient, Image.new("L", size, 90)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def media_snapshot(media_root):
    return {
        path.relative_to(media_root): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in media_root.rglob("*")
        if path.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_phone_visitor_gets_at_most_150_kb_of_images_for_a_huge_cover(
    live_server, browser, editor_client, make_upload, media_root
):
    load_seed_content()
    original = huge_noisy_png()
    assert len(original) > 3_000_000, "the test cover should weigh several megabytes"
    data = publication_form(
        slug="print-sized-cover",
        title="A report with a print-sized cover",
        publish_at_0="2020-01-01",
        cover=make_upload("print-cover.png", content=original),
    )
    response = editor_client.post("/admin/publications/publication/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    publication = Publication.objects.get(slug="print-sized-cover")
    assert (publication.cover_width, publication.cover_height) == (4000, 5600)
    assert max(r["width"] for r in publication.cover_renditions["webp"]) == 1280

    before = media_snapshot(media_root)
    for path in ("/", publication.get_absolute_url()):
        received = image_bytes_received(browser, live_server.url + path, PHONE)
        total = sum(received.values())
        print(f"{path}: {total} bytes of images in {len(received)} responses")
        assert received, f"no image loaded on {path}"
        assert total <= IMAGE_BUDGET_BYTES, (path, total, received)
        assert not any(publication.cover.name in url for url in received), "original served"
        assert any("/renditions/covers/print-sized-cover-" in url for url in received)
    assert media_snapshot(media_root) == before, "a page view wrote or changed a media file"


# What the renditions are made of


def stored_image(storage, name):
    with storage.open(name, "rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    return image


def all_renditions(renditions):
    return [*renditions["webp"], renditions["fallback"]]


@pytest.mark.django_db
def test_a_sideways_camera_photo_is_served_upright_without_its_metadata(
    make_publication, make_upload
):
    # A camera stores a portrait photo as landscape pixels plus "rotate 90°" in EXIF,
    # along with where it was taken.
    photo = Image.new("RGB", (1600, 1000), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "Camera maker"
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPS latitude
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif, quality=90)
    publication = make_publication(
        cover=make_upload("photo.jpg", content=buffer.getvalue(), content_type="image/jpeg")
    )

    renditions = publication.cover_renditions
    assert (renditions["width"], renditions["height"]) == (1000, 1600)
    for rendition in all_renditions(renditions):
        image = stored_image(publication.cover.storage, rendition["name"])
        assert image.height > image.width, "rendition is not upright"
        assert (image.width, image.height) == (rendition["width"], rendition["height"])
        assert not image.getexif(), f"EXIF left in {rendition['name']}"
        assert "icc_profile" not in image.info and "xmp" not in image.info
    assert [r["width"] for r in renditions["webp"]] == [320, 480, 640, 960, 1000]
    assert renditions["fallback"]["name"].endswith(".jpg")


def icc_profile_with_red_and_blue_swapped():
    """A minimal ICC v2 RGB profile whose 'red' is sRGB's blue and whose 'blue' is sRGB's
    red (linear curves): pixels tagged with it change colour when converted to sRGB."""
    import struct

    def s15(value):
        return struct.pack(">i", round(value * 65536))

    def xyz(x, y, z):
        return b"XYZ " + bytes(4) + s15(x) + s15(y) + s15(z)

    text = b"swapped primaries\0"
    tags = [
        (b"desc", b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(4 + 4 + 2 + 1 + 67)),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.1431, 0.0606, 0.7141)),  # sRGB's blue
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.4361, 0.2225, 0.0139)),  # sRGB's red
        (b"rTRC", b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0100) + bytes(2)),
        (b"gTRC", b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0100) + bytes(2)),
        (b"bTRC", b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0100) + bytes(2)),
        (b"cprt", b"text" + bytes(4) + b"none\0" + bytes(3)),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += bytes(-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ "
        + bytes(12) + b"acsp" + bytes(4 + 4 + 4 + 4 + 8 + 4) + s15(0.9642) + s15(1.0)
        + s15(0.8249) + bytes(4 + 16 + 28)
    )
    return header + struct.pack(">I", len(tags)) + table + data


@pytest.mark.django_db
def test_a_cover_with_a_colour_profile_is_converted_to_srgb(make_publication, make_upload):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (255, 0, 0)).save(
        buffer, "PNG", icc_profile=icc_profile_with_red_and_blue_swapped()
    )
    publication = make_publication(cover=make_upload("tagged.png", content=buffer.getvalue()))
    fallback = publication.cover_renditions["fallback"]
    image = stored_image(publication.cover.storage, fallback["name"]).convert("RGB")
    red, green, blue = image.getpixel((400, 300))
    # Shown as the profile means it, blue; had the profile been dropped, it would be red.
    assert blue > 200 and red < 60, (red, green, blue)
    assert "icc_profile" not in image.info


@pytest.mark.django_db
def test_a_small_logo_is_never_upscaled_and_keeps_its_transparency(make_partner, client):
    partner = make_partner(name="Small Logo Institute")
    assert (partner.logo_width, partner.logo_height) == (300, 100)
    assert [r["width"] for r in partner.logo_renditions["webp"]] == [160, 240, 300]
    html = client.get("/").content.decode()
    assert 'sizes="240px"' in html  # 80 px high in the page, so 240 px wide

    from django.core.files.uploadedfile import SimpleUploadedFile

    from publications.models import PartnerOrganisation

    buffer = io.BytesIO()
    Image.new("RGBA", (500, 250), (0, 0, 0, 0)).save(buffer, "PNG")
    transparent = PartnerOrganisation(name="Clear", website="https://clear.example/", logo_alt="Clear")
    transparent.logo = SimpleUploadedFile("clear.png", buffer.getvalue(), "image/png")
    save_and_commit(transparent)
    fallback = transparent.logo_renditions["fallback"]
    assert fallback["type"] == "image/png"
    assert stored_image(transparent.logo.storage, fallback["name"]).mode == "RGBA"


@pytest.mark.django_db
def test_renditions_are_made_once_and_saving_other_fields_keeps_them(
    make_publication, media_root
):
    publication = make_publication()
    renditions = publication.cover_renditions
    files = media_snapshot(media_root)
    publication.title = "A new title"
    publication.save()
    publication.refresh_from_db()
    assert publication.cover_renditions == renditions
    assert media_snapshot(media_root) == files


@pytest.mark.django_db
def test_operator_regenerates_renditions_after_the_sizes_change(
    make_publication, make_partner, media_root, monkeypatch
):
    from django.core.management import CommandError, call_command

    from publications import renditions

    publication = make_publication()
    make_partner()
    out, err = io.StringIO(), io.StringIO()
    call_command("regenerate_renditions", stdout=out, stderr=err)
    assert "Renditions made for 2 of 2 images: 0 files written" in out.getvalue()
    assert "Renditions: 100%" in err.getvalue()  # the progress bar

    monkeypatch.setattr(
        renditions, "COVER", renditions.RenditionSpec("renditions/covers", (200, 400), 400)
    )
    out = io.StringIO()
    call_command("regenerate_renditions", stdout=out, stderr=io.StringIO())
    # The 400 px rendition and fallback were already there: only the 200 px one is new.
    assert "Renditions made for 2 of 2 images: 1 file written" in out.getvalue()
    publication.refresh_from_db()
    assert [r["width"] for r in publication.cover_renditions["webp"]] == [200, 400]

    # The original is gone from both stores (editorial.files keeps a private copy too).
    from django.conf import settings

    (media_root / publication.cover.name).unlink()
    (settings.PRIVATE_MEDIA_ROOT / publication.cover.name).unlink()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 image"):
        call_command("regenerate_renditions", stdout=out, stderr=err)
    assert publication.cover.name in err.getvalue()
    assert "Renditions made for 1 of 2 images" in out.getvalue()
