"""Time and peak memory of publishing one large cover image, as the admin does it.

An editor's upload goes through the same steps as in the admin: the upload is checked
(decoded) and cleaned of metadata before the save (editorial.uploads.precheck_upload),
the publication is saved, and after the commit the renditions are made
(publications.renditions). The whole run happens in a fresh child process, so that its peak
resident memory (`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` once it has ended) is the
publishing's own, plus Django's baseline, which the child reports too. The database is
migrated beforehand, in this process.

    .venv/bin/python bench/image_memory.py [--size 7000] [--format PNG] [--runs 1]

The default is the issue's case: a flat 7000 × 7000 PNG (about 150 KB, 49 megapixels,
inside the 50-megapixel limit). Bounded: one image, a few seconds per run.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

PROJECT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, resource, sys, time
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from publications.models import Publication
from editorial.uploads import precheck_upload

data = open(sys.argv[1], "rb").read()
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
upload = SimpleUploadedFile("cover." + sys.argv[2], data, content_type="image/" + sys.argv[2])
precheck_upload(upload)
checked = time.perf_counter()
with transaction.atomic():
    publication = Publication(
        title="Big cover", slug="big-cover-" + sys.argv[3], kind=Publication.Kind.KEY_UPDATE,
        publication_date=timezone.now().date(), summary="A big cover.", cover_alt="Cover",
        status=Publication.Status.PUBLISHED, publish_at=timezone.now(), cover=upload,
    )
    publication.full_clean()
    publication.save()
# The renditions are made once the save is committed (on_commit), i.e. here.
done = time.perf_counter()
publication.refresh_from_db()
assert publication.cover_renditions, "no renditions were made"
print(json.dumps({
    "baseline_kib": baseline,
    "check_seconds": checked - started,
    "total_seconds": done - started,
    "renditions": len(publication.cover_renditions["webp"]) + 1,
}))
"""


# Runs the publishing in a process of its own and reports that process's peak: this one is
# light (no Django, no image), so nothing of a heavier parent is counted in the peak.
MEASURE = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(result.stderr)
print(result.stdout.strip().splitlines()[-1] if result.returncode == 0 else "")
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(result.returncode)
"""


def prepare(folder, size, image_format, path):
    """The image and a migrated database, made in a process of their own."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--noinput", "-v0")
    Image.new("RGB", (size, size), (11, 37, 69)).save(path, image_format)


def run(path, extension, number, env):
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-c", CHILD, str(path), extension,
         str(number)],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    figures_line, peak = result.stdout.strip().splitlines()[-2:]
    figures = json.loads(figures_line)
    figures["peak_kib"] = int(peak)  # ru_maxrss (KiB) of the publishing process
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=7000, help="width and height in pixels")
    parser.add_argument("--format", default="PNG", choices=["PNG", "JPEG", "WEBP"])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--prepare", nargs=2, metavar=("FOLDER", "IMAGE"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.prepare:
        prepare(arguments.prepare[0], arguments.size, arguments.format, arguments.prepare[1])
        return
    extension = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}[arguments.format]
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "PYTHONPATH": str(PROJECT),
            "DJANGO_SETTINGS_MODULE": "reportsite.settings",
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "PENDING_UPLOADS_DIR": f"{folder}/pending",
            "PAGE_CACHE_STAMP_FILE": f"{folder}/stamp",
        }
        image = Path(folder) / f"cover.{extension}"
        subprocess.run(
            [sys.executable, __file__, "--size", str(arguments.size), "--format",
             arguments.format, "--prepare", folder, str(image)],
            cwd=PROJECT, env=env, check=True, timeout=300,
        )
        size = arguments.size
        print(f"{arguments.format} {size} x {size} ({size ** 2 / 1e6:.0f} megapixels), "
              f"{image.stat().st_size / 1024:.0f} KB")
        for number in range(1, arguments.runs + 1):
            started = time.perf_counter()
            figures = run(image, extension, number, env)
            print(
                f"run {number}: publish {figures['total_seconds']:.2f} s "
                f"(check and clean {figures['check_seconds']:.2f} s), "
                f"peak RSS {figures['peak_kib'] / 1024:.0f} MB "
                f"(Django baseline {figures['baseline_kib'] / 1024:.0f} MB), "
                f"{figures['renditions']} renditions; child {time.perf_counter() - started:.1f} s"
            )


if __name__ == "__main__":
    main()
