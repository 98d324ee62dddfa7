"""`manage.py backup`: a dated archive of the database (SQLite or PostgreSQL) and the media
(folder or bucket)."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from reportsite.backups import (
    BackupError,
    create_backup,
    signing_key,
    sqlite_path,
    throwaway_tables,
)


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database (SQLite's online backup API or pg_dump, "
        "safe while the site serves) and of the media (folder or S3 bucket) into a dated "
        ".tar.gz in BACKUP_DIR, readable by the operator alone and signed with "
        "BACKUP_SIGNING_KEY. Sessions and other throw-away tables are left empty."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", help=f"folder for the archive (default: BACKUP_DIR, {settings.BACKUP_DIR})"
        )

    def handle(self, *args, output_dir=None, **options):
        media_root = settings.MEDIA_ROOT if settings.MEDIA_STORAGE == "local" else None
        connection = connections["default"]
        database_settings = connection.settings_dict
        postgres = database_settings if connection.vendor == "postgresql" else None
        try:
            key = signing_key(settings.BACKUP_SIGNING_KEY, settings.SECRET_KEY)
            database = None if postgres else sqlite_path(database_settings)
            archive, files = create_backup(
                database, media_root, output_dir or settings.BACKUP_DIR, key,
                media_storage=default_storage, postgres=postgres,
                throwaway=throwaway_tables(),
            )
        except BackupError as error:
            raise CommandError(str(error))
        media_count = len(files) - 1
        if archive.parent.stat().st_mode & 0o077:
            self.stderr.write(
                f"Warning: {archive.parent} is open to other users (mode "
                f"{archive.parent.stat().st_mode & 0o777:o}); the archive itself is 0600."
            )
        where = "the S3 bucket" if media_root is None else "the media folder"
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {archive}")
            + f"\n  database copy checked ({'pg_dump' if postgres else 'integrity ok'}), "
            f"{media_count} media files from {where}; signed, readable by its owner only"
        )
