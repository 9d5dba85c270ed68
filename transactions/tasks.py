"""The ledger's background work: writing a requested CSV export."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from transactions.exports import export_run


@db_task()
def transaction_export_task(export_id: int) -> None:
    """Write a requested export; the export row records progress and the outcome."""
    export_run(export_id=export_id)
