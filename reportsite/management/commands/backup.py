"""`manage.py backup`: a dated archive of the database (SQLite or PostgreSQL) and the media,
public and private (folders or bucket prefixes)."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from reportsite.backups import (
    MEDIA,
    PRIVATE_MEDIA,
    BackupError,
    create_backup,
    signing_key,
    sqlite_path,
    throwaway_tables,
)


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database (SQLite's online backup API or pg_dump, "
        "safe while the site serves) and of the media, public and private (folders or the S3 "
        "bucket's prefixes), into a dated "
        ".tar.gz in BACKUP_DIR, readable by the operator alone and signed with "
        "BACKUP_SIGNING_KEY. Sessions and other throw-away tables are left empty."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", help=f"folder for the archive (default: BACKUP_DIR, {settings.BACKUP_DIR})"
        )

    def handle(self, *args, output_dir=None, **options):
        local = settings.MEDIA_STORAGE == "local"
        # Files on disk are read as files (streamed, not held in memory); a bucket's objects
        # through the site's own storages. The private store is Django's "drafts" storage.
        stores = {
            MEDIA: Path(settings.MEDIA_ROOT) if local else storages["default"],
            PRIVATE_MEDIA: Path(settings.PRIVATE_MEDIA_ROOT) if local else storages["drafts"],
        }
        connection = connections["default"]
        database_settings = connection.settings_dict
        postgres = database_settings if connection.vendor == "postgresql" else None
        try:
            key = signing_key(settings.BACKUP_SIGNING_KEY, settings.SECRET_KEY)
            database = None if postgres else sqlite_path(database_settings)
            archive, files = create_backup(
                database, output_dir or settings.BACKUP_DIR, key, stores,
                postgres=postgres, throwaway=throwaway_tables(),
            )
        except BackupError as error:
            raise CommandError(str(error))
        public = sum(name.startswith(f"{MEDIA}/") for name in files)
        private = sum(name.startswith(f"{PRIVATE_MEDIA}/") for name in files)
        if archive.parent.stat().st_mode & 0o077:
            self.stderr.write(
                f"Warning: {archive.parent} is open to other users (mode "
                f"{archive.parent.stat().st_mode & 0o777:o}); the archive itself is 0600."
            )
        where = "the media folders" if local else "the S3 bucket"
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {archive}")
            + f"\n  database copy checked ({'pg_dump' if postgres else 'integrity ok'}), "
            f"{public + private} media files from {where} ({public} public, {private} "
            "private); signed, readable by its owner only"
        )
