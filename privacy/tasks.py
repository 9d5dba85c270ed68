"""The privacy app's background work: writing a person's archive, reading one they uploaded. Each runs with that
person's rows only (row-level security on PostgreSQL), like a request of theirs."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from core.rls import row_security_owner
from privacy.models import DataExport, DataImport
from privacy.processing import data_export_run, data_import_run


@db_task()
def data_export_task(export_id: int) -> None:
    """Write a requested archive; the row records the outcome."""
    with row_security_owner(DataExport, export_id, owner="owner"):
        data_export_run(export_id=export_id)


@db_task()
def data_import_task(import_id: int) -> None:
    """Read an uploaded archive into its owner's account; the row records the outcome."""
    with row_security_owner(DataImport, import_id, owner="owner"):
        data_import_run(import_id=import_id)
