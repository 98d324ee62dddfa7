"""`manage.py backup`: a dated archive of the SQLite database and the media folder."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from reportsite.backups import BackupError, create_backup, sqlite_path


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the SQLite database (online backup API, safe while the "
        "site serves) and of the media folder into a dated .tar.gz in BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", help=f"folder for the archive (default: BACKUP_DIR, {settings.BACKUP_DIR})"
        )

    def handle(self, *args, output_dir=None, **options):
        media_root = settings.MEDIA_ROOT if settings.MEDIA_STORAGE == "local" else None
        try:
            database = sqlite_path(connections["default"].settings_dict)
            archive, files = create_backup(database, media_root, output_dir or settings.BACKUP_DIR)
        except BackupError as error:
            raise CommandError(str(error))
        media_count = len(files) - 1
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {archive}")
            + f"\n  database copy checked (integrity ok), {media_count} media files"
        )
        if media_root is None:
            self.stdout.write(
                "  Media are in the S3 bucket (MEDIA_STORAGE=s3): back them up with the "
                "bucket's versioning or replication."
            )
