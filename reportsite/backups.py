"""Backups of the single-server setup: the SQLite database and the uploaded media in one
dated archive, and the checks a restore makes before it writes anything.

An archive (`reportsite-backup-<UTC time>.tar.gz`) holds:
    manifest.json   format, creation time, and the SHA-256 of every other member
    db.sqlite3      a consistent copy made with SQLite's online backup API
    media/...       the media folder

The database is copied first, in one step of the online backup API: SQLite holds a read
transaction for the copy, so it is one consistent state while the site goes on serving
(writers wait at most a moment; in WAL mode they do not wait at all). The media follow:
an upload is on disk before the row naming it is committed, so every file that the copied
database refers to is already complete. Each file's hash is computed from the very bytes
written into the archive, so a file changing meanwhile cannot make the archive inconsistent.

PostgreSQL is backed up with its own tools (pg_dump; see the README).
"""

import datetime
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "db.sqlite3"
MEDIA = "media"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


def sqlite_path(database_settings):
    """The file of the configured SQLite database, or a BackupError saying what to do instead."""
    engine = database_settings["ENGINE"]
    if not engine.endswith("sqlite3"):
        raise BackupError(
            f"The database is not SQLite ({engine}): back it up with the database's own tools, "
            "for PostgreSQL `pg_dump --format=custom` and `pg_restore` (see the README, "
            "'Backups'), and the media folder or bucket separately. Nothing was written."
        )
    name = str(database_settings["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The database is in memory: there is no file to back up.")
    path = Path(name)
    if not path.is_file():
        raise BackupError(f"The database file {path} does not exist.")
    return path


def copy_database(source, destination):
    """Copy a live SQLite database consistently (online backup API) into a single file."""
    source_connection = sqlite3.connect(f"file:{source}?mode=rw", uri=True, timeout=30)
    try:
        target_connection = sqlite3.connect(destination)
        try:
            # pages=-1: the whole database in one step, i.e. one read transaction.
            source_connection.backup(target_connection, pages=-1)
            # A self-contained file: no -wal/-shm companions needed to read it.
            target_connection.execute("PRAGMA journal_mode=DELETE")
        finally:
            target_connection.close()
    finally:
        source_connection.close()
    problem = integrity_problem(destination)
    if problem:
        raise BackupError(f"The copied database fails SQLite's integrity check: {problem}")


def integrity_problem(database):
    """None when SQLite's integrity check passes, otherwise what it reports."""
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
            has_django_tables = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    if rows != [("ok",)]:
        return "; ".join(row[0] for row in rows[:5])
    if not has_django_tables:
        return "it is not a Django database (no django_migrations table)"
    return None


class _HashingReader:
    """Reads exactly `size` bytes of a file for tarfile, hashing what tarfile receives."""

    def __init__(self, file, size):
        self.file, self.remaining = file, size
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        if size < 0 or size > self.remaining:
            size = self.remaining
        data = self.file.read(size)
        if len(data) < size:
            # The file shrank while being read: pad, and the hash records what was stored.
            data += b"\0" * (size - len(data))
        self.remaining -= len(data)
        self.sha256.update(data)
        return data


def _add_file(archive, path, name):
    with open(path, "rb") as file:
        stat = os.fstat(file.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        reader = _HashingReader(file, stat.st_size)
        archive.addfile(info, reader)
    return reader.sha256.hexdigest()


def _archive_path(backup_dir, now):
    stem = f"reportsite-backup-{now:%Y%m%dT%H%M%SZ}"
    path, counter = backup_dir / f"{stem}.tar.gz", 1
    while path.exists():
        counter += 1
        path = backup_dir / f"{stem}-{counter}.tar.gz"
    return path


def create_backup(database, media_root, backup_dir):
    """Write a dated archive of the SQLite database and the media folder.

    Returns the archive's path and the {name: sha256} of its files. `media_root` is None
    when media live elsewhere (an S3 bucket).
    """
    backup_dir = Path(backup_dir)
    backup_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    archive_path = _archive_path(backup_dir, now)
    partial = archive_path.with_name(archive_path.name + ".partial")
    files = {}
    with tempfile.TemporaryDirectory(dir=backup_dir) as work:
        copy = Path(work) / DATABASE
        copy_database(database, copy)
        try:
            with tarfile.open(partial, "w:gz") as archive:
                files[DATABASE] = _add_file(archive, copy, DATABASE)
                if media_root is not None and Path(media_root).is_dir():
                    for path in sorted(Path(media_root).rglob("*")):
                        if path.is_file() and not path.is_symlink():
                            name = f"{MEDIA}/{path.relative_to(media_root).as_posix()}"
                            try:
                                files[name] = _add_file(archive, path, name)
                            except FileNotFoundError:
                                pass  # deleted since the listing: nothing to keep
                manifest = json.dumps(
                    {"format": FORMAT, "created": now.isoformat(), "files": files}, indent=1
                ).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(manifest), int(now.timestamp())
                archive.addfile(info, io.BytesIO(manifest))
            # Only a complete archive ever carries the final name.
            os.replace(partial, archive_path)
        finally:
            partial.unlink(missing_ok=True)
    return archive_path, files


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def unpack_and_verify(archive_path, into):
    """Unpack an archive into the empty folder `into` and check it; return its manifest.

    Raises BackupError when it is not a complete, unaltered reportsite backup.
    """
    archive_path, into = Path(archive_path), Path(into)
    if not archive_path.is_file():
        raise BackupError(f"No archive at {archive_path}.")
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()
            for member in members:
                # Our archives hold plain files and folders with relative names, nothing else.
                parts = Path(member.name).parts
                if not (member.isfile() or member.isdir()) or member.name.startswith("/") or ".." in parts:
                    raise BackupError(f"{archive_path.name} holds an unsafe entry: {member.name!r}")
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4+: a second line of defence
                archive.extractall(into, members=members, filter="data")
            else:
                archive.extractall(into, members=members)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive_path.name} is not a readable backup archive: {error}")
    try:
        manifest = json.loads((into / MANIFEST).read_text())
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"{archive_path.name} has no valid {MANIFEST}: not a reportsite backup.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} (expected {FORMAT}).")
    present = {
        path.relative_to(into).as_posix() for path in into.rglob("*") if path.is_file()
    } - {MANIFEST}
    if DATABASE not in files:
        raise BackupError("The archive holds no database copy.")
    if present != set(files):
        missing, extra = sorted(set(files) - present), sorted(present - set(files))
        raise BackupError(f"The archive does not match its manifest (missing {missing}, extra {extra}).")
    for name, expected in files.items():
        if _sha256(into / name) != expected:
            raise BackupError(f"{name} in the archive is damaged: its SHA-256 differs from the manifest.")
    problem = integrity_problem(into / DATABASE)
    if problem:
        raise BackupError(f"The database in the archive fails SQLite's integrity check: {problem}")
    return manifest


def restore_backup(archive_path, target):
    """Check an archive completely, then restore it into `target` (a new or empty folder).

    Nothing is written to `target` unless every check passes. Returns the manifest.
    """
    target = Path(target).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not empty: restore into a new or empty folder.")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked next to the target, so that the final move is a rename on the same disk.
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".restore-") as work:
        manifest = unpack_and_verify(archive_path, work)
        target.mkdir(exist_ok=True)
        os.replace(Path(work) / DATABASE, target / DATABASE)
        if (Path(work) / MEDIA).is_dir():
            os.replace(Path(work) / MEDIA, target / MEDIA)
        else:
            (target / MEDIA).mkdir()
    return manifest


def check_backup(archive_path):
    """Check an archive without restoring it; returns its manifest."""
    with tempfile.TemporaryDirectory() as work:
        return unpack_and_verify(archive_path, work)

