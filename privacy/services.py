"""Taking one's data away (asking for the archive, the worker writing it, the one download, the clean-up) and
bringing it in (an uploaded archive, checked, then read by the worker into an empty account)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from core.outbox import outbox_enqueue
from privacy import tasks
from privacy.models import DataExport, DataExportStatus, DataImport, DataImportStatus
from privacy.processing import STALLED_AFTER, UNCLAIMED_AFTER, data_export_path, data_import_path
from privacy.restore import EMPTY_ONLY, account_is_empty, archive_preflight

# A downloaded archive's file stays this long (the download streams from it), then goes.
KEEP_AFTER_DOWNLOAD = dt.timedelta(hours=1)


def data_export_request(*, user: User, request: Any = None) -> DataExport:
    """Ask the worker for an archive of everything the person owns; one at a time. The security log records it."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # two requests at once: the second waits
        unfinished = DataExport.objects.filter(
            owner=user, status__in=[DataExportStatus.PENDING, DataExportStatus.RUNNING],
            created_at__gt=timezone.now() - STALLED_AFTER)
        if unfinished.exists():
            raise ValidationError("Your data is already being prepared; you will get an email when it is ready.")
        export = DataExport.objects.create(owner=user)
        audit_record(action=AuditAction.DATA_EXPORT, actor=user, target=export, request=request,
                     changes={"step": "asked"})
        outbox_enqueue(tasks.data_export_task, export.pk)
    return export


def data_export_download(*, user: User, export: DataExport, request: Any = None) -> Path:
    """The archive's file for its one download (recorded in the security log); afterwards the link answers
    that it was used."""
    if export.status == DataExportStatus.DOWNLOADED:
        raise ValidationError("This archive was already downloaded; its link works once. Prepare a new one.")
    if export.status != DataExportStatus.READY:
        raise ValidationError("This archive is not ready to download.")
    now = timezone.now()
    if export.expires_at is None or export.expires_at <= now:
        raise ValidationError("This archive's download time is over. Prepare a new one.")
    taken = DataExport.objects.filter(pk=export.pk, owner=user, status=DataExportStatus.READY).update(
        status=DataExportStatus.DOWNLOADED, downloaded_at=now)
    if taken != 1:  # two clicks at once: one download
        raise ValidationError("This archive was already downloaded; its link works once. Prepare a new one.")
    audit_record(action=AuditAction.DATA_EXPORT, actor=user, target=export, request=request,
                 changes={"step": "downloaded", "size_bytes": export.size_bytes})
    return data_export_path(export)


def data_exports_purge(*, now: dt.datetime | None = None) -> int:
    """Delete archives' files once downloaded (after the download's stream) or past their time, and requests the
    worker never finished. Returns how many archives' files or rows went."""
    now = now or timezone.now()
    gone = 0
    finished = (DataExport.objects.filter(status=DataExportStatus.DOWNLOADED,
                                          downloaded_at__lte=now - KEEP_AFTER_DOWNLOAD)
                | DataExport.objects.filter(status=DataExportStatus.READY, expires_at__lte=now))
    for export in finished.exclude(file_name=""):
        data_export_path(export).unlink(missing_ok=True)
        status = DataExportStatus.EXPIRED if export.status == DataExportStatus.READY else export.status
        DataExport.objects.filter(pk=export.pk).update(file_name="", status=status)
        gone += 1
    stalled = DataExport.objects.filter(status__in=[DataExportStatus.PENDING, DataExportStatus.RUNNING],
                                        created_at__lte=now - STALLED_AFTER)
    gone += stalled.update(status=DataExportStatus.FAILED, finished_at=now,
                           error="Preparing your data stopped before it was complete. Try again.")
    return gone


def _import_allowed(user: User) -> None:
    if DataImport.objects.filter(owner=user, status__in=[DataImportStatus.PENDING, DataImportStatus.RUNNING],
                                 created_at__gt=timezone.now() - STALLED_AFTER).exists():
        raise ValidationError("An import is already under way; wait for it to finish.", code="in_progress")
    if not account_is_empty(user=user):
        raise ValidationError(EMPTY_ONLY, code="not_empty")


def data_import_upload(*, user: User, upload: UploadedFile, request: Any = None) -> DataImport:
    """Take an archive to import into the person's account: refused at once when the account already has data, an
    import is under way, or the file is too large, not a zip, unsafe to unpack or not a Finsight export; otherwise
    stored under DATA_IMPORT_DIR for the worker, which reads it in one transaction. The security log records the
    import when it is done."""
    limit = settings.DATA_IMPORT_MAX_MB * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"The file is {upload.size / 1024 / 1024:,.0f} MB; the largest accepted is "
                              f"{settings.DATA_IMPORT_MAX_MB:,} MB.", code="too_large")
    _import_allowed(user)
    archive_preflight(upload)  # ValidationError naming the problem
    upload.seek(0)
    directory = Path(settings.DATA_IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.zip"
    partial = directory / f"{name}.part"
    try:
        with partial.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        os.replace(partial, directory / name)
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=user.pk).first()  # two uploads at once: the second waits
            _import_allowed(user)
            data_import = DataImport.objects.create(
                owner=user, file_name=name, size_bytes=(directory / name).stat().st_size,
                original_name=str(upload.name or "")[:255])
            outbox_enqueue(tasks.data_import_task, data_import.pk)
    except BaseException:
        partial.unlink(missing_ok=True)
        (directory / name).unlink(missing_ok=True)
        raise
    return data_import


def data_imports_recover(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Imports the worker lost: one still waiting after UNCLAIMED_AFTER (its task went with a killed worker or the
    queue) is queued again; one still running after STALLED_AFTER (the worker was killed mid-import) is ended
    FAILED with its upload deleted. Nothing of it was written, the restore being one transaction, so the person
    can upload it again."""
    now = now or timezone.now()
    requeued = failed = 0
    for data_import in DataImport.objects.filter(status=DataImportStatus.PENDING,
                                                 created_at__lte=now - UNCLAIMED_AFTER).only("pk"):
        outbox_enqueue(tasks.data_import_task, data_import.pk)  # a second copy finds it claimed and does nothing
        requeued += 1
    for data_import in DataImport.objects.filter(status=DataImportStatus.RUNNING,
                                                 started_at__lte=now - STALLED_AFTER).only("pk", "file_name"):
        if data_import.file_name:
            data_import_path(data_import).unlink(missing_ok=True)
        failed += DataImport.objects.filter(pk=data_import.pk, status=DataImportStatus.RUNNING).update(
            status=DataImportStatus.FAILED, file_name="", finished_at=now,
            error="Importing stopped before it was complete (the server may have been restarted), so nothing was "
                  "imported. Upload the file again.")
    return {"requeued": requeued, "failed": failed}
