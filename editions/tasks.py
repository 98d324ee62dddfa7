"""The import as a background task (django-tasks, database backend; `manage.py db_worker`).

The admin only stores the uploaded source (privately) and enqueues `import_edition`;
the worker runs the import, writing its progress and a heartbeat to the EditionImport row
in short transactions of their own. A failure is recorded with its place; a worker killed
mid-import leaves a row whose heartbeat stops: `fail_stale_imports` (run whenever the
admin shows imports, and by the next worker) marks it failed and removes its files. The
version itself is written in one transaction at the very end, so neither leaves content.
"""

import logging
import shutil
import tempfile
import traceback
from contextlib import contextmanager
from datetime import timedelta
from pathlib import PurePosixPath

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from editorial.files import private_storage

from . import conf
from .importer import ImportFailure, discard_files, import_source
from .models import EditionImport

logger = logging.getLogger(__name__)


@contextmanager
def local_copy(name):
    """The uploaded source as a local file for pandoc (the private store may be S3)."""
    suffix = PurePosixPath(name).suffix
    with private_storage().open(name, "rb") as stored, tempfile.NamedTemporaryFile(suffix=suffix) as local:
        shutil.copyfileobj(stored, local)
        local.flush()
        yield local.name


def _record(import_pk, **fields):
    with transaction.atomic():
        EditionImport.objects.filter(pk=import_pk).update(**fields)


def run_import(import_pk):
    """Run one import now (the task's body; tests and the bench call it directly too)."""
    fail_stale_imports()
    job = EditionImport.objects.select_related("publication").get(pk=import_pk)
    if job.status != EditionImport.Status.QUEUED:
        return job.status
    _record(import_pk, status=EditionImport.Status.RUNNING, progress=1, stage="Starting", heartbeat_at=timezone.now())

    def report(progress, stage):
        _record(import_pk, progress=min(int(progress), 99), stage=stage[:500], heartbeat_at=timezone.now())

    try:
        with local_copy(job.source) as source:
            version = import_source(
                source, job.publication, job.language, note=job.note, files_prefix=job.files_prefix, report=report,
            )
    except ImportFailure as error:
        discard_files(job.files_prefix)
        _record(import_pk, status=EditionImport.Status.FAILED, error=str(error), finished_at=timezone.now())
        return EditionImport.Status.FAILED
    except Exception as error:  # noqa: BLE001 - recorded for the editor, logged for operators
        logger.exception("Edition import %s failed", import_pk)
        discard_files(job.files_prefix)
        last = traceback.extract_tb(error.__traceback__)[-1]
        _record(
            import_pk, status=EditionImport.Status.FAILED, finished_at=timezone.now(),
            error=f"{error.__class__.__name__}: {error} (during: {EditionImport.objects.get(pk=import_pk).stage}; "
            f"{last.name} line {last.lineno})",
        )
        return EditionImport.Status.FAILED
    _record(
        import_pk, status=EditionImport.Status.DONE, progress=100, stage="Done: draft version ready",
        version=version, finished_at=timezone.now(),
    )
    return EditionImport.Status.DONE


@task()
def import_edition(import_pk):
    return run_import(import_pk)


def fail_stale_imports():
    """Imports whose worker stopped reporting (killed, machine restarted): failed, cleaned."""
    limit = timezone.now() - timedelta(seconds=conf.stale_seconds())
    stale = EditionImport.objects.filter(status=EditionImport.Status.RUNNING, heartbeat_at__lt=limit)
    for job in stale:
        discard_files(job.files_prefix)
        _record(
            job.pk, status=EditionImport.Status.FAILED, finished_at=timezone.now(),
            error=f"The import stopped while it was at: {job.stage or 'the start'} ({job.progress}%). "
            "The worker was stopped or crashed; nothing of this import was saved. Start it again.",
        )
