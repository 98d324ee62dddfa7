"""An editor publishes a print-sized cover (a 7000 × 7000 PNG of 150 KB: 49 megapixels,
inside the 50-megapixel limit): the worker holds one full-size copy of the pixels at a
time, never several (it peaked at about 726 MB). And the renditions made from the reduced
copy are still upright, transparent where the original was, and no wider than needed."""

import io
import re
import subprocess
import sys

import pytest
from PIL import Image

from tests.conftest import save_and_commit
from tests.servers import PROJECT
from tests.test_phone_visitor_downloads_small_images import all_renditions, stored_image

# One RGB copy of 7000 × 7000 pixels is 147 MB; what publishing adds to the process's
# baseline must stay below two copies (the target: a peak under 300 MB in all).
ONE_COPY_MB = 7000 * 7000 * 3 / 2**20


@pytest.mark.slow
def test_publishing_a_49_megapixel_png_holds_one_full_size_copy_at_most():
    # bench/image_memory.py publishes as the admin does, in a process of its own, and
    # prints that process's peak resident memory (ru_maxrss) and its Django baseline.
    result = subprocess.run(
        [sys.executable, "bench/image_memory.py", "--size", "7000"], cwd=PROJECT,
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    peak, baseline = map(int, re.search(
        r"peak RSS (\d+) MB \(Django baseline (\d+) MB\), 6 renditions", result.stdout
    ).groups())
    assert peak - baseline < 1.5 * ONE_COPY_MB, result.stdout


@pytest.mark.django_db
def test_renditions_from_the_reduced_copy_are_upright_transparent_and_sized(
    make_publication, make_upload
):
    # A palette PNG with transparency, stored sideways with "rotate 90°" in its EXIF, large
    # enough (2600 px on its short side) to be reduced before the renditions are made.
    image = Image.new("P", (3000, 2600), 1)
    image.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    image.paste(0, (0, 0, 1500, 2600))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0, exif=exif)
    publication = make_publication(cover=make_upload("sideways.png", content=buffer.getvalue()))
    save_and_commit(publication)

    renditions = publication.cover_renditions
    # Reduced by 2 (both sides stay at least 1280 px), then turned upright.
    assert (renditions["width"], renditions["height"]) == (1300, 1500)
    assert [r["width"] for r in renditions["webp"]] == [320, 480, 640, 960, 1280]
    assert renditions["fallback"]["name"].endswith(".png")  # it has transparency
    for rendition in all_renditions(renditions):
        stored = stored_image(publication.cover.storage, rendition["name"])
        assert (stored.width, stored.height) == (rendition["width"], rendition["height"])
        assert stored.height > stored.width, "rendition is not upright"
        rgba = stored.convert("RGBA")
        # The transparent half was on the left; turned 90° clockwise it is on top.
        assert rgba.getpixel((stored.width // 2, 2))[3] == 0
        bottom = rgba.getpixel((stored.width // 2, stored.height - 3))
        assert all(abs(a - b) <= 3 for a, b in zip(bottom, (200, 30, 30, 255), strict=True))
