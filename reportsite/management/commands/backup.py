"""`manage.py backup`: a dated archive of the database (SQLite or PostgreSQL) and the media
(folder or bucket)."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from reportsite.backups import BackupError, create_backup, sqlite_path


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database (SQLite's online backup API or pg_dump, "
        "safe while the site serves) and of the media (folder or S3 bucket) into a dated "
        ".tar.gz in BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", help=f"folder for the archive (default: BACKUP_DIR, {settings.BACKUP_DIR})"
        )

    def handle(self, *args, output_dir=None, **options):
        media_root = settings.MEDIA_ROOT if settings.MEDIA_STORAGE == "local" else None
        database_settings = connections["default"].settings_dict
        postgres = database_settings if connections["default"].vendor == "postgresql" else None
        try:
            database = None if postgres else sqlite_path(database_settings)
            archive, files = create_backup(
                database, media_root, output_dir or settings.BACKUP_DIR,
                media_storage=default_storage, postgres=postgres,
            )
        except BackupError as error:
            raise CommandError(str(error))
        media_count = len(files) - 1
        where = "the S3 bucket" if media_root is None else "the media folder"
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {archive}")
            + f"\n  database copy checked ({'pg_dump' if postgres else 'integrity ok'}), "
            f"{media_count} media files from {where}"
        )
