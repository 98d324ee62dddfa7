"""The import runs in the background worker (a real `manage.py db_worker` process): the
admin shows its progress; a worker killed mid-import leaves no edition and a clear failure."""

import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from editions.sample_report import write_sample
from tests.servers import PROJECT, PYTHON, TemporarySite


def query(site, sql):
    with sqlite3.connect(site.database) as connection:
        return connection.execute(sql).fetchall()


def start_worker(site):
    return subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--interval", "0.2"], cwd=PROJECT, env=site.env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_a_worker_runs_the_import_and_a_killed_one_leaves_nothing(tmp_path):
    site = TemporarySite(tmp_path / "site", EDITION_IMPORT_STALE_SECONDS=2)
    site.prepare(seed=True, static=False)
    slug = query(site, "SELECT slug FROM publications_publication LIMIT 1")[0][0]
    # Markdown with images is uploaded as a .zip of the file and its images.
    write_sample(tmp_path / "small", chapters=2, sections=2, figures=1, tables=1, image_size=(700, 420))
    write_sample(tmp_path / "big", chapters=6, sections=4, figures=8, tables=1, image_size=(1600, 1000))
    small = shutil.make_archive(tmp_path / "small", "zip", tmp_path / "small")
    big = shutil.make_archive(tmp_path / "big", "zip", tmp_path / "big")

    worker = start_worker(site)
    try:
        site.manage("import_edition", slug, str(small))
        done = wait_for(lambda: query(site, "SELECT status, progress, version_id FROM editions_editionimport WHERE status IN ('done','failed')"))
        assert done[0][0] == "done" and done[0][1] == 100 and done[0][2], query(site, "SELECT error FROM editions_editionimport")
        versions_before = query(site, "SELECT count(*) FROM editions_editionversion")[0][0]
        chapters_before = query(site, "SELECT count(*) FROM editions_chapter")[0][0]

        site.manage("import_edition", slug, str(big))
        # Kill the worker while it works on the figures (after the chapters are rendered).
        wait_for(lambda: query(site, "SELECT 1 FROM editions_editionimport WHERE status='running' AND progress >= 57"))
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    running = query(site, "SELECT id, stage FROM editions_editionimport WHERE status='running'")
    assert len(running) == 1
    import_id = running[0][0]
    assert (site.folder / "private-media" / "imports" / str(import_id)).is_dir()

    time.sleep(2.5)
    # The next import (or the admin's import page) finds the dead one.
    worker = start_worker(site)
    try:
        site.manage("import_edition", slug, str(small))
        failed = wait_for(lambda: query(site, f"SELECT status, error FROM editions_editionimport WHERE id={import_id} AND status='failed'"), 60)
        wait_for(lambda: query(site, f"SELECT 1 FROM editions_editionimport WHERE id>{import_id} AND status='done'"), 60)
    finally:
        worker.terminate()
        worker.wait(10)
    assert "stopped while it was at: Figures" in failed[0][1]
    # Only the two small imports made versions; the killed one left nothing.
    assert query(site, "SELECT count(*) FROM editions_editionversion")[0][0] == versions_before + 1
    assert query(site, "SELECT count(*) FROM editions_chapter")[0][0] == 2 * chapters_before
    assert query(site, f"SELECT version_id FROM editions_editionimport WHERE id={import_id}") == [(None,)]
    assert not (site.folder / "private-media" / "imports" / str(import_id)).exists()
