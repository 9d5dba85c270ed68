from __future__ import annotations

from huey.contrib.djhuey import db_task

from imports.batches import batch_run
from transactions.models import ImportBatch


@db_task(retries=3, retry_delay=60)
def import_run_task(batch_id: int) -> None:
    """Run a stored import in the background (big files); the batch records the outcome.

    Idempotent (a batch is claimed once; a finished one is left alone), so a run the database interrupted is
    retried a minute later, three times at most; a batch lost anyway is found by the recovery sweep."""
    batch = ImportBatch.objects.select_related("account", "owner").filter(pk=batch_id).first()
    if batch is not None:
        batch_run(batch=batch)
