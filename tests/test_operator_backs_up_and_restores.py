"""An operator backs up the live site (SQLite and media) while it takes writes, and restores
the archive into a fresh folder: everything committed before the backup is there.
"""

import hashlib
import io
import sqlite3
import subprocess
import tarfile
import time

import pytest
from django.core.management import CommandError, call_command

from tests.servers import PROJECT, PYTHON, TemporarySite, generated_secret_key

# Two threads insert rows through the ORM, one committed row at a time, until told to stop.
WRITER = """
import os, sys, threading, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reportsite.settings")
django.setup()
from django.contrib.auth.models import Group
from django.db import connection
stop, errors = sys.argv[1], []

def write(thread):
    number = 0
    try:
        while not os.path.exists(stop):
            Group.objects.create(name=f"load-{thread}-{number}")
            number += 1
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print("errors:", errors)
sys.exit(1 if errors else 0)
"""


def committed_rows(database):
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        return {row[0] for row in connection.execute("SELECT name FROM auth_group")}
    finally:
        connection.close()


def wait_for_rows(database, count, writer, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if writer.poll() is not None:
            raise AssertionError(f"the writers stopped: {writer.stdout.read()}")
        rows = committed_rows(database)
        if len(rows) >= count:
            return rows
        time.sleep(0.05)
    raise AssertionError(f"the writers did not commit {count} rows within {timeout} s")


def file_hashes(folder):
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_backup_taken_under_writes_restores_every_committed_row_and_the_media(tmp_path):
    site = TemporarySite(tmp_path / "live").prepare(static=False)
    media = site.folder / "media"
    originals = [name for name in file_hashes(media) if name.startswith(("covers/", "logos/"))]
    assert len(originals) == 5, "the seed content brings covers and logos (and their renditions)"
    stop = tmp_path / "stop-writing"
    writer = subprocess.Popen(
        [PYTHON, "-c", WRITER, str(stop)], cwd=PROJECT, env=site.env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_for_rows(site.database, 40, writer)
        before_backup = committed_rows(site.database)
        backup = site.manage("backup")
        at_backup_end = committed_rows(site.database)
        # The writers are still at it after the backup, as they were during it.
        wait_for_rows(site.database, len(at_backup_end) + 10, writer)
    finally:
        stop.touch()
        output, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0, output
    private = site.folder / "private-media"
    assert file_hashes(private), "every upload is kept in the private store"
    assert "Backup written:" in backup.stdout
    assert (
        f"{len(file_hashes(media)) + len(file_hashes(private))} media files from the media "
        f"folders ({len(file_hashes(media))} public, {len(file_hashes(private))} private)"
    ) in backup.stdout
    [archive] = (site.folder / "backups").glob("reportsite-backup-*.tar.gz")

    target = tmp_path / "restored"
    restore = site.manage("restore", str(archive), "--target", str(target))
    assert "Restored the backup" in restore.stdout

    restored_rows = committed_rows(target / "db.sqlite3")
    assert before_backup <= restored_rows <= at_backup_end
    assert len(restored_rows) < len(committed_rows(site.database))
    connection = sqlite3.connect(target / "db.sqlite3")
    assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    connection.close()
    assert file_hashes(target / "media") == file_hashes(media)
    # The private store too (drafts' files, and what history may bring back), owner only.
    assert file_hashes(target / "private-media") == file_hashes(private)
    assert {oct(path.stat().st_mode & 0o777) for path in (target / "private-media").rglob("*")} <= {"0o700", "0o600"}
    assert "PRIVATE_MEDIA_ROOT=" in restore.stdout

    # The site runs on the restored folders: its publications find their covers there, in
    # the public store and in the private one that drafts and history read from.
    restored_site = TemporarySite(
        tmp_path / "second-server",
        DATABASE_URL=f"sqlite:///{target / 'db.sqlite3'}",
        MEDIA_ROOT=target / "media",
        PRIVATE_MEDIA_ROOT=target / "private-media",
    )
    covers = restored_site.manage(
        "shell", "-v0", "-c",
        "from publications.models import Publication as P; "
        "from editorial.files import private_storage, public_storage; "
        "print([(public_storage().exists(p.cover.name), private_storage().exists(p.cover.name)) "
        "for p in P.objects.published()])",
    ).stdout
    assert covers.strip() == "[(True, True), (True, True), (True, True)]"


# The key the module's archive is signed with, and the one this process restores with.
KEY = generated_secret_key()


@pytest.fixture(autouse=True)
def backup_signing_key(settings):
    settings.BACKUP_SIGNING_KEY = KEY


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    site = TemporarySite(tmp_path_factory.mktemp("site"), BACKUP_SIGNING_KEY=KEY)
    site.prepare(static=False)
    site.manage("backup")
    [archive] = (site.folder / "backups").glob("*.tar.gz")
    return archive


def rewrite_archive(source, destination, change):
    """A copy of the archive with `change(name, data) -> data or None (drop)` applied."""
    with tarfile.open(source) as original, tarfile.open(destination, "w:gz") as copy:
        for member in original.getmembers():
            data = change(member.name, original.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                copy.addfile(member, io.BytesIO(data))
    return destination


def test_restore_checks_a_sound_archive_without_writing_anything(archive, capsys):
    call_command("restore", str(archive), check_only=True)
    assert "Archive is complete and intact" in capsys.readouterr().out


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda name, data: data[:-1] + b"!" if name.startswith("media/") else data, "damaged"),
        (lambda name, data: None if name.startswith("media/covers") else data, "missing"),
        (lambda name, data: b"not json" if name == "manifest.json" else data, "no valid manifest"),
    ],
    ids=["altered media file", "missing media file", "broken manifest"],
)
def test_restore_refuses_a_tampered_archive_and_writes_nothing(archive, tmp_path, change, message):
    tampered = rewrite_archive(archive, tmp_path / "tampered.tar.gz", change)
    target = tmp_path / "target"
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(tampered), target=str(target))
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["tampered.tar.gz"]


def test_restore_refuses_an_archive_that_writes_outside_its_folder(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 4
        archive.addfile(info, io.BytesIO(b"evil"))
    with pytest.raises(CommandError, match="unsafe entry: '../escaped.txt'"):
        call_command("restore", str(evil), target=str(tmp_path / "target"))
    assert not (tmp_path / "escaped.txt").exists()


def test_restore_refuses_a_file_that_is_not_an_archive_or_a_folder_in_use(archive, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"this is not a backup")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(junk), target=str(tmp_path / "target"))
    in_use = tmp_path / "in-use"
    in_use.mkdir()
    (in_use / "db.sqlite3").write_bytes(b"live data")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive), target=str(in_use))
    assert (in_use / "db.sqlite3").read_bytes() == b"live data"


def test_backup_on_postgresql_that_does_not_answer_says_so_and_writes_nothing(tmp_path):
    # A real PostgreSQL backup (pg_dump and the bucket) is tested in the several-servers
    # topology (test_operator_runs_several_servers.py).
    site = TemporarySite(tmp_path, DATABASE_URL="postgres://reportsite@127.0.0.1:9/reportsite")
    result = site.manage("backup", check=False)
    assert result.returncode != 0
    assert "pg_dump" in result.stderr and "Nothing was written" in result.stderr
    assert not (tmp_path / "backups").exists()
