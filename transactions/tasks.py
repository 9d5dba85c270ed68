from __future__ import annotations

from huey.contrib.djhuey import db_task

from transactions import import_services
from transactions.models import ImportBatch


@db_task()
def import_run_task(batch_id: int) -> None:
    """Run a stored import in the background (big files); the batch records the outcome."""
    batch = ImportBatch.objects.select_related("account", "owner").filter(pk=batch_id).first()
    if batch is not None:
        import_services.import_run(batch=batch, run_async=False)
