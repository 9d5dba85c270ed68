"""Taking one's data away: asking for the archive, the worker writing it, the one download, the clean-up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from core.outbox import outbox_enqueue
from privacy import tasks
from privacy.models import DataExport, DataExportStatus
from privacy.processing import STALLED_AFTER, data_export_path

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
