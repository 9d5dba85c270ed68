from __future__ import annotations

from huey.contrib.djhuey import db_task

from core.rls import row_security_owner
from imports.batches import batch_run
from transactions.models import ImportBatch


@db_task(retries=3, retry_delay=60)
def import_run_task(batch_id: int) -> None:
    """Run a stored import in the background (big files); the batch records the outcome.

    Idempotent (a batch is claimed once; a finished one is left alone). A run the database interrupted ends
    failed with a message and its file kept, to run again; when even that cannot be written (the database is
    down) the task is retried a minute later, three times at most, and a batch lost anyway is found by the
    recovery sweep (imports.services.import_batches_recover)."""
    with row_security_owner(ImportBatch, batch_id, owner="owner"):
        batch = ImportBatch.objects.select_related("account", "owner").filter(pk=batch_id).first()
        if batch is not None:
            batch_run(batch=batch)
