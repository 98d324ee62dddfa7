"""`manage.py restore ARCHIVE --target DIR`: check a backup archive, then restore it."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from reportsite.backups import (
    MEDIA,
    PRIVATE_MEDIA,
    BackupError,
    check_backup,
    restore_backup,
    restore_into_configured,
    signing_key,
)


class Command(BaseCommand):
    help = (
        "Check a backup archive (its signature under BACKUP_SIGNING_KEY, manifest hashes, "
        "SQLite integrity) and restore its database and media (public and private) into a new "
        "or empty folder. "
        "Nothing is written unless every check passes."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a .tar.gz written by `manage.py backup`")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--target", help="new or empty folder to restore into")
        target.add_argument(
            "--check-only", action="store_true", help="only check the archive, restore nothing"
        )
        target.add_argument(
            "--into-configured", action="store_true",
            help="restore a PostgreSQL archive into the configured database and media "
            "storages (DATABASE_URL, MEDIA_STORAGE: public and private), which must be empty",
        )

    def handle(self, *args, archive, target=None, check_only=False, into_configured=False, **options):
        try:
            key = signing_key(settings.BACKUP_SIGNING_KEY, settings.SECRET_KEY)
            if check_only:
                manifest = check_backup(archive, key)
            elif into_configured:
                connection = connections["default"]
                stores = {MEDIA: storages["default"], PRIVATE_MEDIA: storages["drafts"]}
                manifest = restore_into_configured(
                    archive, connection.settings_dict, connection, stores, key
                )
            else:
                manifest = restore_backup(archive, target, key)
        except BackupError as error:
            raise CommandError(str(error))
        names = manifest["files"]
        public = sum(name.startswith(f"{MEDIA}/") for name in names)
        private = sum(name.startswith(f"{PRIVATE_MEDIA}/") for name in names)
        target = Path(target).resolve() if target else None
        summary = (
            f"backup of {manifest['created']}: signature valid, database (integrity ok) and "
            f"{public + private} media files ({public} public, {private} private)"
        )
        if check_only:
            self.stdout.write(self.style.SUCCESS(f"Archive is complete and intact: {summary}."))
            return
        if into_configured:
            self.stdout.write(self.style.SUCCESS(
                f"Restored the {summary} into the configured database and media storage "
                "(every file read back and its hash checked)."
            ))
            return
        self.stdout.write(
            self.style.SUCCESS(f"Restored the {summary} into {target}.")
            + "\nTo serve it, stop the site and either move db.sqlite3, media/ and "
            "private-media/ into place, or set "
            f"DATABASE_URL=sqlite:///{target}/db.sqlite3, MEDIA_ROOT={target}/media and "
            f"PRIVATE_MEDIA_ROOT={target}/private-media."
        )
