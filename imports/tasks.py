from __future__ import annotations

from huey.contrib.djhuey import db_task

from imports.batches import batch_run
from transactions.models import ImportBatch


@db_task()
def import_run_task(batch_id: int) -> None:
    """Run a stored import in the background (big files); the batch records the outcome."""
    batch = ImportBatch.objects.select_related("account", "owner").filter(pk=batch_id).first()
    if batch is not None:
        batch_run(batch=batch)
