"""The ledger's background work: writing a requested CSV export."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from core.rls import row_security_owner
from transactions.exports import export_run
from transactions.models import TransactionExport


@db_task()
def transaction_export_task(export_id: int) -> None:
    """Write a requested export; the export row records progress and the outcome."""
    with row_security_owner(TransactionExport, export_id, owner="owner"):
        export_run(export_id=export_id)
