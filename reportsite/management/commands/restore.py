"""`manage.py restore ARCHIVE --target DIR`: check a backup archive, then restore it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reportsite.backups import BackupError, check_backup, restore_backup


class Command(BaseCommand):
    help = (
        "Check a backup archive (manifest hashes, SQLite integrity) and restore its database "
        "and media into a new or empty folder. Nothing is written unless every check passes."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a .tar.gz written by `manage.py backup`")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--target", help="new or empty folder to restore into")
        target.add_argument(
            "--check-only", action="store_true", help="only check the archive, restore nothing"
        )

    def handle(self, *args, archive, target=None, check_only=False, **options):
        try:
            if check_only:
                manifest = check_backup(archive)
            else:
                manifest = restore_backup(archive, target)
        except BackupError as error:
            raise CommandError(str(error))
        count = len(manifest["files"]) - 1
        target = Path(target).resolve() if target else None
        summary = f"backup of {manifest['created']}: database (integrity ok) and {count} media files"
        if check_only:
            self.stdout.write(self.style.SUCCESS(f"Archive is complete and intact: {summary}."))
            return
        self.stdout.write(
            self.style.SUCCESS(f"Restored the {summary} into {target}.")
            + "\nTo serve it, stop the site and either move db.sqlite3 and media/ into place, "
            f"or set DATABASE_URL=sqlite:///{target}/db.sqlite3 and MEDIA_ROOT={target}/media."
        )
