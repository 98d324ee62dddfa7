"""An operator's backups are for the operator alone and cannot be forged: archives 0600 in
a 0700 folder, the live SQLite database 0600, no session (a login) in an archive, and a
manifest signed with BACKUP_SIGNING_KEY, so that an archive whose database was edited and
whose hashes were recomputed is refused by `restore`, saying why, with nothing written.
(The same on PostgreSQL and S3: test_operator_backs_up_several_servers_privately.py.)
"""

import hashlib
import hmac
import io
import json
import sqlite3
import stat
import tarfile

import pytest

from tests.servers import TemporarySite, generated_secret_key

EDITOR = "editor"
META_REFRESH = '<meta http-equiv="refresh" content="1;url=http://127.0.0.1:9/phish">'
# An editor who logs in: a session row, a login attempt under way (django-axes).
SESSION = f"""
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from axes.models import AccessAttempt
user = User.objects.create_user("{EDITOR}", password="x" * 20, is_staff=True)
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session.create()
AccessAttempt.objects.create(username="{EDITOR}", ip_address="127.0.0.1", user_agent="t",
                             get_data="", post_data="", failures_since_start=1)
print(session.session_key)
"""


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = TemporarySite(tmp_path_factory.mktemp("private")).prepare(static=False)
    site.session_key = site.manage("shell", "-v0", "-c", SESSION).stdout.strip()
    backup = site.manage("backup")
    assert "signed" in backup.stdout
    [site.archive] = (site.folder / "backups").glob("*.tar.gz")
    return site


def members(archive):
    with tarfile.open(archive) as opened:
        return {member.name: (member, opened.extractfile(member).read())
                for member in opened.getmembers() if member.isfile()}


def database_rows(data, tmp_path, sql):
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(data)
    connection = sqlite3.connect(copy)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.mark.slow
def test_archives_their_folder_and_the_live_database_are_the_operators_alone(site):
    assert mode(site.archive) == 0o600
    assert mode(site.archive.parent) == 0o700
    # The database and, while a connection is open, its WAL companions.
    modes = site.manage("shell", "-v0", "-c", (
        "import os, stat; from django.contrib.auth.models import Group; "
        "Group.objects.create(name='wal'); "
        f"print(sorted((n, oct(stat.S_IMODE(os.stat('{site.folder}/' + n).st_mode))) "
        f"for n in os.listdir('{site.folder}') if n.startswith('db.sqlite3')))"
    )).stdout.strip()
    assert modes == str([(name, "0o600") for name in
                         ("db.sqlite3", "db.sqlite3-shm", "db.sqlite3-wal")])
    assert all(member.mode == 0o600 for member, _ in members(site.archive).values())


def test_a_backup_into_a_folder_open_to_others_is_still_private_and_says_so(site, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    result = site.manage("backup", "--output-dir", str(shared))
    assert "is open to other users (mode 755)" in result.stderr
    [archive] = shared.glob("*.tar.gz")
    assert mode(archive) == 0o600


def test_a_database_made_before_is_narrowed_at_the_next_connection(tmp_path):
    site = TemporarySite(tmp_path)
    site.manage("migrate", "--noinput", "-v0")
    site.database.chmod(0o644)
    site.manage("shell", "-v0", "-c", "from django.contrib.auth.models import User; User.objects.count()")
    assert mode(site.database) == 0o600


def test_an_archive_holds_no_session_and_no_login_attempt_under_way(site, tmp_path):
    data = members(site.archive)["db.sqlite3"][1]
    assert database_rows(data, tmp_path, "SELECT count(*) FROM django_session") == [(0,)]
    assert database_rows(data, tmp_path, "SELECT count(*) FROM axes_accessattempt") == [(0,)]
    assert site.session_key.encode() not in data  # not even in a free page
    # The live site keeps them.
    live = sqlite3.connect(site.database)
    assert live.execute("SELECT count(*) FROM django_session").fetchone() == (1,)
    live.close()
    # And the editor is in the archive, as every other table's rows are.
    assert database_rows(data, tmp_path, "SELECT username FROM auth_user") == [(EDITOR,)]


def forged(archive, destination, tmp_path, change_database, sign_with=None, drop=()):
    """The archive with its database changed and the manifest's hashes recomputed, as
    someone without the signing key (or with `sign_with`) would make it."""
    entries = members(archive)
    database = tmp_path / "forged.sqlite3"
    database.write_bytes(entries["db.sqlite3"][1])
    connection = sqlite3.connect(database)
    change_database(connection)
    connection.commit()
    connection.close()
    data = {name: body for name, (_, body) in entries.items()}
    data["db.sqlite3"] = database.read_bytes()
    manifest = json.loads(data["manifest.json"])
    manifest["files"]["db.sqlite3"] = hashlib.sha256(data["db.sqlite3"]).hexdigest()
    data["manifest.json"] = json.dumps(manifest, indent=1).encode()
    if sign_with:
        data["manifest.hmac"] = hmac.new(
            sign_with.encode(), data["manifest.json"], hashlib.sha256
        ).hexdigest().encode()
    return write_archive(destination, {n: body for n, body in data.items() if n not in drop})


def write_archive(destination, entries):
    with tarfile.open(destination, "w:gz") as copy:
        for name, body in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            copy.addfile(info, io.BytesIO(body))
    return destination


def make_editor_superuser(connection):
    connection.execute(f"UPDATE auth_user SET is_superuser = 1 WHERE username = '{EDITOR}'")
    connection.execute(
        "UPDATE publications_publication SET summary = summary || ?", (META_REFRESH,)
    )


@pytest.mark.parametrize(
    "sign_with, drop, message",
    [
        (None, (), "does not carry a valid signature"),
        (None, ("manifest.hmac",), "has no signature"),
        (generated_secret_key(), (), "does not carry a valid signature"),
    ],
    ids=["hashes recomputed", "signature removed", "signed with another key"],
)
def test_a_forged_archive_is_refused_saying_why_and_nothing_is_written(
    site, tmp_path, sign_with, drop, message
):
    archive = forged(site.archive, tmp_path / "forged.tar.gz", tmp_path, make_editor_superuser,
                     sign_with=sign_with, drop=drop)
    checked = site.manage("restore", str(archive), "--check-only", check=False)
    assert checked.returncode != 0 and message in checked.stderr
    assert "complete and intact" not in checked.stdout
    target = tmp_path / "target"
    restored = site.manage("restore", str(archive), "--target", str(target), check=False)
    assert restored.returncode != 0 and message in restored.stderr
    assert not target.exists()


def test_the_genuine_archive_restores_into_a_private_folder(site, tmp_path):
    assert "signature valid" in site.manage("restore", str(site.archive), "--check-only").stdout
    target = tmp_path / "restored"
    site.manage("restore", str(site.archive), "--target", str(target))
    assert mode(target) == 0o700 and mode(target / "db.sqlite3") == 0o600


def test_without_a_signing_key_nothing_is_backed_up_or_restored(site, tmp_path):
    keyless = TemporarySite(tmp_path / "keyless", BACKUP_SIGNING_KEY="",
                            DATABASE_URL=f"sqlite:///{site.database}")
    backup = keyless.manage("backup", "--output-dir", str(tmp_path / "out"), check=False)
    assert backup.returncode != 0 and "BACKUP_SIGNING_KEY is not set" in backup.stderr
    assert not (tmp_path / "out").exists()
    restore = keyless.manage("restore", str(site.archive), "--check-only", check=False)
    assert restore.returncode != 0 and "BACKUP_SIGNING_KEY is not set" in restore.stderr
    same = TemporarySite(tmp_path / "same", DATABASE_URL=f"sqlite:///{site.database}")
    same.env["BACKUP_SIGNING_KEY"] = same.env["SECRET_KEY"]
    refused = same.manage("backup", "--output-dir", str(tmp_path / "out"), check=False)
    assert refused.returncode != 0 and "same as SECRET_KEY" in refused.stderr
    deploy = keyless.manage("check", "--deploy", check=False)
    assert "reportsite.backups.W001" in deploy.stderr


def test_an_unsigned_archive_of_the_old_format_is_refused(site, tmp_path):
    def old_format(connection):
        pass

    archive = forged(site.archive, tmp_path / "old.tar.gz", tmp_path, old_format,
                     drop=("manifest.hmac",))
    entries = {name: body for name, (_, body) in members(archive).items()}
    manifest = json.loads(entries["manifest.json"])
    manifest["format"] = 1
    entries["manifest.json"] = json.dumps(manifest).encode()
    write_archive(archive, entries)
    result = site.manage("restore", str(archive), "--check-only", check=False)
    assert result.returncode != 0 and "is not signed" in result.stderr
