"""An operator's kept uploads (valid files waiting while an editor fixes the rest of a form,
editorial.pending_uploads) live in the site's own folder, not in a temporary folder every
instance on the machine shares: set from the environment, 0700 with 0600 files, and a
folder of another owner or open to others is reported at start-up and never used."""

import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from editorial import conf, pending_uploads
from tests.servers import PROJECT, TemporarySite

pytestmark = pytest.mark.django_db


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def folder_of(site):
    return site.manage(
        "shell", "-v0", "-c", "from editorial import conf; print(conf.pending_uploads_dir())"
    ).stdout.strip()


def test_the_folder_is_the_projects_own_by_default_and_set_from_the_environment(tmp_path):
    site = TemporarySite(tmp_path)
    del site.env["PENDING_UPLOADS_DIR"]
    assert folder_of(site) == str(PROJECT / "var" / "pending-uploads")
    site.env["PENDING_UPLOADS_DIR"] = str(tmp_path / "shared" / "kept")
    assert folder_of(site) == str(tmp_path / "shared" / "kept")


def test_kept_files_are_0600_in_a_0700_folder(settings, tmp_path, make_upload, editor):
    settings.PENDING_UPLOADS_DIR = tmp_path / "data" / "pending"
    kept = pending_uploads.keep(make_upload("cover.png"), editor)
    folder = conf.pending_uploads_dir()
    assert mode(folder) == 0o700
    [file] = folder.iterdir()
    assert mode(file) == 0o600
    assert pending_uploads.restore(kept.token, editor) is not None


def test_a_folder_open_to_others_is_reported_at_start_up_and_not_used(
    settings, tmp_path, make_upload, editor, caplog
):
    folder = tmp_path / "pending"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    settings.PENDING_UPLOADS_DIR = folder
    with pytest.raises(SystemCheckError, match="open to other users"):
        call_command("check")
    assert pending_uploads.keep(make_upload("cover.png"), editor) is None
    assert list(folder.iterdir()) == []
    assert "not kept" in caplog.text
    folder.chmod(0o700)
    call_command("check")  # sound again


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_folder_of_another_user_is_reported_at_start_up(settings, tmp_path):
    folder = tmp_path / "pending"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)  # nobody
    settings.PENDING_UPLOADS_DIR = folder
    with pytest.raises(SystemCheckError, match="belongs to user id 65534"):
        call_command("check")
