"""The worker's part of taking one's data away and bringing it in: writing the archive, reading an uploaded one,
then telling the owner."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import NotificationKind
from notifications.services import notification_create
from privacy.models import DataExport, DataExportStatus, DataImport, DataImportStatus
from privacy.restore import archive_import, result_lines
from privacy.takeout import takeout_write

logger = logging.getLogger(__name__)

# A request the worker has not finished after this long is taken for lost: the person may ask again.
STALLED_AFTER = dt.timedelta(hours=1)
# An uploaded archive no worker has claimed after this long: its task was lost, it is queued again.
UNCLAIMED_AFTER = dt.timedelta(minutes=10)


def data_export_path(export: DataExport) -> Path:
    return Path(settings.DATA_EXPORT_DIR) / export.file_name


def data_export_run(*, export_id: int) -> DataExport | None:
    """The worker's job. A rerun or a second worker finds it claimed and does nothing; whatever goes wrong ends it
    FAILED with a message and no file, never READY with part of the data."""
    claimed = DataExport.objects.filter(pk=export_id, status=DataExportStatus.PENDING).update(
        status=DataExportStatus.RUNNING)
    export = DataExport.objects.select_related("owner").filter(pk=export_id).first()
    if claimed != 1 or export is None:
        return export
    directory = Path(settings.DATA_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{export.pk}-{secrets.token_hex(16)}.zip"
    partial = directory / f"{name}.part"
    try:
        counts = takeout_write(user=export.owner, path=partial)
        os.replace(partial, directory / name)
    except Exception:
        logger.exception("data export failed", extra={"export": export_id})
        partial.unlink(missing_ok=True)
        DataExport.objects.filter(pk=export_id).update(
            status=DataExportStatus.FAILED, finished_at=timezone.now(),
            error="Preparing your data failed before it was complete, so there is nothing to download. Try again.")
        export.refresh_from_db()
        return export
    now = timezone.now()
    expires = now + dt.timedelta(hours=settings.DATA_EXPORT_HOURS)
    DataExport.objects.filter(pk=export_id).update(
        status=DataExportStatus.READY, file_name=name, size_bytes=(directory / name).stat().st_size, counts=counts,
        finished_at=now, expires_at=expires)
    export.refresh_from_db()
    notification_create(
        user=export.owner, kind=NotificationKind.DATA_EXPORT_READY, title="Your data is ready to download",
        body=(f"The archive of everything you keep in Finsight is ready. Download it once, signed in, before "
              f"{timezone.localtime(expires):%-d %b %Y, %H:%M}; after that it is deleted."),
        link=reverse("privacy:data"))
    return export


def data_import_path(data_import: DataImport) -> Path:
    return Path(settings.DATA_IMPORT_DIR) / data_import.file_name


def data_import_run(*, import_id: int) -> DataImport | None:
    """The worker's job: read the uploaded archive into its owner's account, all of it or nothing (the restore is
    one transaction), then delete the upload and tell the owner. A rerun finds it claimed and does nothing; a
    worker killed half-way leaves no row of the archive, and ``services.data_imports_recover`` ends it FAILED."""
    claimed = DataImport.objects.filter(pk=import_id, status=DataImportStatus.PENDING).update(
        status=DataImportStatus.RUNNING, started_at=timezone.now())
    data_import = DataImport.objects.select_related("owner").filter(pk=import_id).first()
    if claimed != 1 or data_import is None:
        return data_import
    path = data_import_path(data_import)
    error = ""
    try:
        if not path.is_file():
            raise FileNotFoundError(path)
        with transaction.atomic():  # the rows and DONE together: a worker killed in between leaves neither
            result = archive_import(user=data_import.owner, path=path)
            DataImport.objects.filter(pk=import_id).update(
                status=DataImportStatus.DONE, counts=result.counts, skipped=result.skipped, notes=result.notes,
                file_name="", finished_at=timezone.now())
    except FileNotFoundError:
        error = "The uploaded file is gone from the server, so nothing was imported. Upload it again."
    except ValidationError as refused:  # the archive's problem, named: file, row and field
        error = " ".join(refused.messages)[:1000]
    except Exception:
        logger.exception("data import failed", extra={"data_import": import_id})
        error = "Importing stopped before it was complete, so nothing was imported. Try again."
    finally:
        path.unlink(missing_ok=True)
    if error:  # (conditional: the recovery may have ended it meanwhile)
        DataImport.objects.filter(pk=import_id, status=DataImportStatus.RUNNING).update(
            status=DataImportStatus.FAILED, error=error, file_name="", finished_at=timezone.now())
    data_import.refresh_from_db()
    if data_import.status == DataImportStatus.DONE:
        body = "Imported: " + "; ".join(result_lines(result) or ["nothing (the archive was empty)"]) + "."
        body += "".join(f" {note}" for note in result.notes)
        title = "Your data was imported"
    else:
        body, title = f"Nothing was imported. {data_import.error}", "Your data could not be imported"
    notification_create(user=data_import.owner, kind=NotificationKind.DATA_IMPORT_FINISHED, title=title, body=body,
                        link=reverse("privacy:data"),
                        severity="success" if data_import.status == DataImportStatus.DONE else "warning")
    return data_import
