"""Backups: the database and the uploaded media in one dated archive, and the checks a
restore makes before it writes anything.

An archive (`reportsite-backup-<UTC time>.tar.gz`) holds:
    manifest.json   format, creation time, and the SHA-256 of every other member
    manifest.hmac   the manifest's HMAC-SHA256 under BACKUP_SIGNING_KEY
    db.sqlite3      a consistent copy made with SQLite's online backup API, or
    db.pgdump       PostgreSQL's `pg_dump --format=custom` (one consistent snapshot)
    media/...       the public store: the media folder, or every object of the bucket's
                    public prefix (MEDIA_STORAGE=s3)
    private-media/... the private store (drafts' files and every upload that history and
                    recovery may bring back): PRIVATE_MEDIA_ROOT, or the bucket's private prefix

Only the operator can read an archive (0600, in a 0700 folder), and nobody without the
signing key can make one that `restore` accepts: the hashes alone prove an archive intact,
not that it is ours (anyone can edit the database and recompute them), so the manifest is
signed with a key kept apart from SECRET_KEY, and a restore checks the signature before
anything else. Throw-away tables (sessions, login attempts under way, database caches) are
left empty in the copy: a session key read from an archive would open the admin.

The database is copied first, in one step of the online backup API: SQLite holds a read
transaction for the copy, so it is one consistent state while the site goes on serving
(writers wait at most a moment; in WAL mode they do not wait at all). The media follow:
an upload is on disk before the row naming it is committed, so every file that the copied
database refers to is already complete. Each file's hash is computed from the very bytes
written into the archive, so a file changing meanwhile cannot make the archive inconsistent.

With several servers (PostgreSQL and an S3 bucket) `pg_dump` runs on the app server
(Debian's postgresql-client, the server's major version or newer) and the objects are read
through the site's own storage; a restore goes into an *empty* database and bucket
(`restore --into-configured`): `pg_restore` in one transaction, then every file uploaded
and read back to check its hash. As with SQLite, rows are dumped before files are listed,
and a file is always stored before a row names it.
"""

import datetime
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

FORMAT = 2  # 1: unsigned archives (before BACKUP_SIGNING_KEY), refused by restore
MANIFEST = "manifest.json"
SIGNATURE = "manifest.hmac"
DATABASE = "db.sqlite3"
PG_DATABASE = "db.pgdump"
MEDIA = "media"
PRIVATE_MEDIA = "private-media"
STORES = (MEDIA, PRIVATE_MEDIA)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


NO_KEY = (
    "BACKUP_SIGNING_KEY is not set: archives are signed with it, and only archives signed "
    "with it are restored. Set it in the environment (or .env) to a long random value, "
    "different from SECRET_KEY, and keep a copy with the backups' owner (not next to the "
    "archives): python -c \"import secrets; print(secrets.token_urlsafe(50))\". "
    "Nothing was written."
)


def signing_key(key, secret_key):
    """The configured BACKUP_SIGNING_KEY as bytes, or a BackupError saying what to do."""
    if not key:
        raise BackupError(NO_KEY)
    if key == secret_key:
        raise BackupError(
            "BACKUP_SIGNING_KEY is the same as SECRET_KEY: give backups a key of their own, "
            "so that rotating one never invalidates (or forges) the other. Nothing was written."
        )
    return key.encode()


def sign(key, manifest):
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


def throwaway_tables():
    """Tables whose rows are of no use after a restore and dangerous in a copy: sessions
    (a session key is a login), django-axes' attempts under way, database caches."""
    from django.apps import apps
    from django.conf import settings

    tables = []
    for label in ("sessions.Session", "axes.AccessAttempt", "axes.AccessAttemptExpiration"):
        try:
            tables.append(apps.get_model(label)._meta.db_table)
        except LookupError:
            pass  # app not installed
    tables += [
        cache["LOCATION"] for cache in settings.CACHES.values()
        if cache["BACKEND"].endswith("db.DatabaseCache")
    ]
    return sorted(tables)


def sqlite_path(database_settings):
    """The file of the configured SQLite database, or a BackupError saying what to do instead."""
    engine = database_settings["ENGINE"]
    if not engine.endswith("sqlite3"):
        raise BackupError(
            f"The database is not SQLite ({engine}): back it up with the database's own tools, "
            "for PostgreSQL `pg_dump --format=custom` and `pg_restore` (see docs/operators.md, "
            "'Backups'), and the media folder or bucket separately. Nothing was written."
        )
    name = str(database_settings["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The database is in memory: there is no file to back up.")
    path = Path(name)
    if not path.is_file():
        raise BackupError(f"The database file {path} does not exist.")
    return path


def private_folder(path):
    """Create `path` (and parents) for the operator alone (0700); returns whether it was new."""
    path = Path(path)
    created = not path.exists()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if created:
        path.chmod(0o700)  # whatever the umask
    return created


def _postgres_command(program, database_settings, *arguments):
    """(command, environment) running a PostgreSQL client tool against the configured database."""
    path = shutil.which(program)
    if not path:
        raise BackupError(
            f"{program} is not installed: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client). Nothing was written."
        )
    env = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        if database_settings.get(key):
            env[variable] = str(database_settings[key])
    return [path, *arguments], env


def _run(command, env, what):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]} Nothing was written.")
    return result.stdout


def dump_postgres(database_settings, destination, throwaway=()):
    """One consistent snapshot of the live PostgreSQL database (pg_dump, custom format),
    with the throw-away tables' definitions but not their rows."""
    command, env = _postgres_command(
        "pg_dump", database_settings, "--format=custom", f"--file={destination}",
        *(f"--exclude-table-data={table}" for table in throwaway),
    )
    _run(command, env, "pg_dump")


def postgres_dump_problem(path):
    """None when pg_restore can read the dump's table of contents, otherwise why not."""
    command, env = _postgres_command("pg_restore", {}, "--list", str(path))
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        return result.stderr.strip() or "pg_restore cannot read it"
    if "django_migrations" not in result.stdout:
        return "it is not a Django database (no django_migrations table)"
    return None


def storage_names(storage, folder=""):
    """Every file name in a Django storage (local folder or bucket), sorted."""
    folders, files = storage.listdir(folder)
    names = [f"{folder}{name}" for name in files]
    for name in folders:
        names += storage_names(storage, f"{folder}{name}/")
    return sorted(names)


def copy_database(source, destination, throwaway=()):
    """Copy a live SQLite database consistently (online backup API) into a single file,
    the throw-away tables emptied (their old pages overwritten, then the file compacted)."""
    source_connection = sqlite3.connect(f"file:{source}?mode=rw", uri=True, timeout=30)
    try:
        target_connection = sqlite3.connect(destination)
        try:
            # pages=-1: the whole database in one step, i.e. one read transaction.
            source_connection.backup(target_connection, pages=-1)
            # A self-contained file: no -wal/-shm companions needed to read it.
            target_connection.execute("PRAGMA journal_mode=DELETE")
            existing = {row[0] for row in target_connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )}
            throwaway = [table for table in throwaway if table in existing]
            if throwaway:
                target_connection.execute("PRAGMA secure_delete=ON")
                for table in throwaway:
                    target_connection.execute(f'DELETE FROM "{table}"')
                target_connection.commit()
                target_connection.execute("VACUUM")
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
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
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


def _add_bytes(archive, data, name):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.datetime.now().timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))
    return hashlib.sha256(data).hexdigest()


def create_backup(database, backup_dir, key, stores, postgres=None, throwaway=()):
    """Write a dated archive of the database and the media, signed with `key` (bytes).

    The database is the SQLite file `database`, or with `postgres` (Django's settings of a
    PostgreSQL database) a pg_dump of it; the `throwaway` tables are left empty. `stores`
    maps each media section of the archive (MEDIA, PRIVATE_MEDIA) to where its files are:
    a folder (a Path) or a Django storage (a bucket prefix); a section left out is left out
    of the archive. Returns the archive's path and the {name: sha256} of its files.
    """
    backup_dir = Path(backup_dir)
    created = private_folder(backup_dir)
    try:
        return _write_archive(database, backup_dir, key, stores, postgres, throwaway)
    except BaseException:
        if created and not any(backup_dir.iterdir()):
            backup_dir.rmdir()  # a failed first backup leaves nothing behind
        raise


def _add_store(archive, files, section, source):
    """Add every file of a folder or a storage under `section/` of the archive."""
    if isinstance(source, Path):
        if not source.is_dir():
            return
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.is_symlink():
                name = f"{section}/{path.relative_to(source).as_posix()}"
                try:
                    files[name] = _add_file(archive, path, name)
                except FileNotFoundError:
                    pass  # deleted since the listing: nothing to keep
        return
    for stored in storage_names(source):
        with source.open(stored, "rb") as file:
            data = file.read()
        files[f"{section}/{stored}"] = _add_bytes(archive, data, f"{section}/{stored}")


def _write_archive(database, backup_dir, key, stores, postgres, throwaway):
    now = datetime.datetime.now(datetime.UTC)
    archive_path = _archive_path(backup_dir, now)
    partial = archive_path.with_name(archive_path.name + ".partial")
    files = {}
    database_member = PG_DATABASE if postgres else DATABASE
    with tempfile.TemporaryDirectory(dir=backup_dir) as work:
        copy = Path(work) / database_member
        if postgres:
            dump_postgres(postgres, copy, throwaway)
            problem = postgres_dump_problem(copy)
            if problem:
                raise BackupError(f"The database dump cannot be read back: {problem}")
        else:
            copy_database(database, copy, throwaway)
        try:
            # For the operator alone from its first byte, whatever the umask.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as output, \
                    tarfile.open(fileobj=output, mode="w:gz") as archive:
                files[database_member] = _add_file(archive, copy, database_member)
                for section in STORES:
                    if section in stores:
                        _add_store(archive, files, section, stores[section])
                manifest = json.dumps(
                    {"format": FORMAT, "created": now.isoformat(), "files": files}, indent=1
                ).encode()
                for name, data in ((MANIFEST, manifest), (SIGNATURE, sign(key, manifest).encode())):
                    info = tarfile.TarInfo(name)
                    info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                    archive.addfile(info, io.BytesIO(data))
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


def unpack_and_verify(archive_path, into, key):
    """Unpack an archive into the empty folder `into` and check it; return its manifest.

    Raises BackupError when it is not a complete, unaltered reportsite backup signed with
    `key` (bytes).
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
        manifest_bytes = (into / MANIFEST).read_bytes()
        manifest = json.loads(manifest_bytes)
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"{archive_path.name} has no valid {MANIFEST}: not a reportsite backup.")
    # Nothing in the archive is trusted before its signature is: the hashes in the
    # manifest prove nothing when whoever altered a file could recompute them.
    try:
        signature = (into / SIGNATURE).read_text().strip()
    except (OSError, ValueError):
        if manifest.get("format") == 1:
            raise BackupError(
                f"{archive_path.name} is not signed (made before backups were signed with "
                "BACKUP_SIGNING_KEY): its content cannot be told from a forgery, so it is "
                "not restored. Make a new backup."
            )
        raise BackupError(f"{archive_path.name} has no signature ({SIGNATURE}): not restored.")
    if not hmac.compare_digest(signature, sign(key, manifest_bytes)):
        raise BackupError(
            f"{archive_path.name} does not carry a valid signature: it was altered after it "
            "was written, or signed with another BACKUP_SIGNING_KEY. Not restored."
        )
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} (expected {FORMAT}).")
    present = {
        path.relative_to(into).as_posix() for path in into.rglob("*") if path.is_file()
    } - {MANIFEST, SIGNATURE}
    if (DATABASE in files) == (PG_DATABASE in files):
        raise BackupError("The archive holds no database copy (or two).")
    if present != set(files):
        missing, extra = sorted(set(files) - present), sorted(present - set(files))
        raise BackupError(f"The archive does not match its manifest (missing {missing}, extra {extra}).")
    for name, expected in files.items():
        if _sha256(into / name) != expected:
            raise BackupError(f"{name} in the archive is damaged: its SHA-256 differs from the manifest.")
    if DATABASE in files:
        problem = integrity_problem(into / DATABASE)
        if problem:
            raise BackupError(f"The database in the archive fails SQLite's integrity check: {problem}")
    else:
        problem = postgres_dump_problem(into / PG_DATABASE)
        if problem:
            raise BackupError(f"The PostgreSQL dump in the archive cannot be read: {problem}")
    return manifest


def restore_backup(archive_path, target, key):
    """Check an archive completely, then restore it into `target` (a new or empty folder).

    Nothing is written to `target` unless every check passes. Returns the manifest.
    """
    target = Path(target).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not empty: restore into a new or empty folder.")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked next to the target, so that the final move is a rename on the same disk.
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".restore-") as work:
        manifest = unpack_and_verify(archive_path, work, key)
        if DATABASE not in manifest["files"]:
            raise BackupError(
                "This archive holds a PostgreSQL dump: restore it into an empty database and "
                "media storage with --into-configured. Nothing was written."
            )
        target.mkdir(exist_ok=True, mode=0o700)
        (Path(work) / DATABASE).chmod(0o600)
        os.replace(Path(work) / DATABASE, target / DATABASE)
        for section in STORES:
            if (Path(work) / section).is_dir():
                os.replace(Path(work) / section, target / section)
            else:
                (target / section).mkdir()
        # The private store is the owner's alone, as PrivateFileSystemStorage keeps it.
        for path in (target / PRIVATE_MEDIA).rglob("*"):
            path.chmod(0o700 if path.is_dir() else 0o600)
        (target / PRIVATE_MEDIA).chmod(0o700)
    return manifest


def check_backup(archive_path, key):
    """Check an archive without restoring it; returns its manifest."""
    with tempfile.TemporaryDirectory() as work:
        return unpack_and_verify(archive_path, work, key)


def restore_into_configured(archive_path, database_settings, connection, stores, key):
    """Check an archive of PostgreSQL and media completely, then restore it into the
    configured database and media storages (`stores`: {section: storage}), which must all
    be empty. Returns the manifest.
    """
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        manifest = unpack_and_verify(archive_path, work, key)
        if PG_DATABASE not in manifest["files"]:
            raise BackupError(
                "This archive holds a SQLite database: restore it with --target. Nothing was written."
            )
        if connection.vendor != "postgresql":
            raise BackupError("The configured database is not PostgreSQL. Nothing was written.")
        tables = connection.introspection.table_names()
        if tables:
            raise BackupError(
                f"The configured database is not empty ({len(tables)} tables): restore into a "
                "new, empty database. Nothing was written."
            )
        for section, storage in stores.items():
            if storage_names(storage):
                raise BackupError(
                    f"The {'private ' if section == PRIVATE_MEDIA else ''}media storage is not "
                    "empty: restore into a new, empty bucket or folder. Nothing was written."
                )
        connection.close()  # pg_restore needs no competing session
        command, env = _postgres_command(
            "pg_restore", database_settings, "--no-owner", "--exit-on-error",
            "--single-transaction", f"--dbname={database_settings['NAME']}",
            str(work / PG_DATABASE),
        )
        _run(command, env, "pg_restore")
        for name, expected in manifest["files"].items():
            section, _, stored_as = name.partition("/")
            if section not in stores:
                continue
            media_storage = stores[section]
            with open(work / name, "rb") as file:
                saved = media_storage.save(stored_as, file)
            if saved != stored_as:
                raise BackupError(f"The storage renamed {stored_as} to {saved}.")
            with media_storage.open(saved, "rb") as file:
                if hashlib.sha256(file.read()).hexdigest() != expected:
                    raise BackupError(f"{stored_as} differs from the archive after upload.")
    return manifest
