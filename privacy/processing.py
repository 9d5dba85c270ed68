"""The worker's part of taking one's data away: writing the archive, then telling its owner."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications.models import NotificationKind
from notifications.services import notification_create
from privacy.models import DataExport, DataExportStatus
from privacy.takeout import takeout_write

logger = logging.getLogger(__name__)

# A request the worker has not finished after this long is taken for lost: the person may ask again.
STALLED_AFTER = dt.timedelta(hours=1)


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
