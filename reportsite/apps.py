"""The project's operations home: health check, backups and restores, lockout page."""

from django.apps import AppConfig
from django.core import checks


class ReportsiteConfig(AppConfig):
    name = "reportsite"
    verbose_name = "Site operations"

    def ready(self):
        checks.register(check_backup_signing_key, checks.Tags.security, deploy=True)


def check_backup_signing_key(app_configs, **kwargs):
    """`check --deploy`: backups need their own signing key (reportsite.backups)."""
    from django.conf import settings

    key = settings.BACKUP_SIGNING_KEY
    if not key:
        return [checks.Warning(
            "BACKUP_SIGNING_KEY is not set: `manage.py backup` refuses to write an archive "
            "and `restore` to read one without it.",
            hint='Set it to a long random value, different from SECRET_KEY: python -c '
                 '"import secrets; print(secrets.token_urlsafe(50))". Keep a copy away from '
                 "the archives: a restore needs the key the archive was signed with.",
            id="reportsite.backups.W001",
        )]
    if key == settings.SECRET_KEY:
        return [checks.Error(
            "BACKUP_SIGNING_KEY is the same as SECRET_KEY.",
            hint="Give backups a key of their own, so that one leaked or rotated key "
                 "never forges or invalidates the other.",
            id="reportsite.backups.E001",
        )]
    return []
