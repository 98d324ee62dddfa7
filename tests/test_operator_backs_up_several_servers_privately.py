"""On the several-servers topology (PostgreSQL and an S3 bucket, deploy/topology.py), an
operator's backups are private and unforgeable as on SQLite
(test_operator_keeps_backups_private_and_unforgeable.py): the archive 0600 in a 0700
folder, no session in the dump, and an archive whose database was edited (an editor made
superuser) and whose manifest hashes were recomputed is refused by `restore`, which writes
nothing into the empty database and bucket it was pointed at.

Selected only with `-m several_servers` (the third stage of .ci/run).
"""

import hashlib
import json
import re
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest

from deploy.topology import Topology
from tests.test_operator_keeps_backups_private_and_unforgeable import SESSION, write_archive

pytestmark = pytest.mark.several_servers


@pytest.fixture(scope="module")
def topology():
    site = Topology()
    site.start()
    yield site
    site.stop()


def empty_database_and_bucket(topology, name):
    topology.psql(f"CREATE DATABASE {name} OWNER reportsite")
    topology.s3_client().create_bucket(Bucket=name.replace("_", "-"))
    return {"DATABASE_URL": f"{topology.database_url[:topology.database_url.rindex('/')]}/{name}",
            "AWS_STORAGE_BUCKET_NAME": name.replace("_", "-")}


def test_backup_is_private_holds_no_session_and_a_forged_one_is_refused(topology, tmp_path):
    session_key = topology.manage("shell", "-v0", "-c", SESSION).stdout.strip()
    assert session_key
    backup = topology.manage("backup")
    archive = Path(re.search(r"Backup written: (\S+)", backup.stdout).group(1))
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700

    # Restored: every user, but no session and no login attempt under way.
    restored = empty_database_and_bucket(topology, "reportsite_restored")
    topology.manage("restore", str(archive), "--into-configured", env=restored)
    count = "SELECT count(*) FROM {}"
    assert topology.psql(count.format("django_session"), "reportsite").strip() == "1"
    assert topology.psql(count.format("django_session"), "reportsite_restored").strip() == "0"
    assert topology.psql(count.format("axes_accessattempt"), "reportsite_restored").strip() == "0"
    superuser = "SELECT is_superuser FROM auth_user WHERE username = 'editor'"
    assert topology.psql(superuser, "reportsite_restored").strip() == "f"

    # The forgery: that database with the editor made superuser, dumped again, put in the
    # archive in place of the original dump, and the manifest's hash recomputed.
    topology.psql("UPDATE auth_user SET is_superuser = true WHERE username = 'editor'",
                  "reportsite_restored")
    forged_dump = tmp_path / "forged.pgdump"
    subprocess.run(
        [topology.postgres_bin / "pg_dump", "--format=custom", f"--file={forged_dump}",
         f"--dbname={restored['DATABASE_URL']}"], check=True,
    )
    with tarfile.open(archive) as original:
        entries = {member.name: original.extractfile(member).read()
                   for member in original.getmembers() if member.isfile()}
    entries["db.pgdump"] = forged_dump.read_bytes()
    manifest = json.loads(entries["manifest.json"])
    manifest["files"]["db.pgdump"] = hashlib.sha256(entries["db.pgdump"]).hexdigest()
    entries["manifest.json"] = json.dumps(manifest, indent=1).encode()
    forged = write_archive(tmp_path / "forged.tar.gz", entries)

    target = empty_database_and_bucket(topology, "reportsite_forged")
    for mode in ("--check-only", "--into-configured"):
        result = topology.manage("restore", str(forged), mode, env=target, check=False)
        assert result.returncode != 0, mode
        assert "does not carry a valid signature" in result.stderr, result.stderr
    tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    assert topology.psql(tables, "reportsite_forged").strip() == "0"
    assert topology.s3_client().list_objects_v2(Bucket="reportsite-forged").get("KeyCount") == 0
