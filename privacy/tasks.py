"""The privacy app's background work: writing a person's archive."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from privacy.processing import data_export_run


@db_task()
def data_export_task(export_id: int) -> None:
    """Write a requested archive; the row records the outcome."""
    data_export_run(export_id=export_id)
