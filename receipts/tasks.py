"""Huey tasks of the receipts app: unpack ids, call the worker's reading."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from core.rls import row_security_owner
from receipts.models import Receipt


@db_task()
def receipt_process_task(receipt_id: int) -> str:
    """Read an uploaded receipt (OCR, fields, items); the receipt row records progress and the outcome."""
    # Tesseract's binding imports pandas when installed: loaded by the worker's first receipt, not by every web worker.
    from receipts.processing import receipt_process  # noqa: PLC0415 - heavy: pytesseract and pandas

    with row_security_owner(Receipt, receipt_id, owner="user"):
        return receipt_process(receipt_id=receipt_id)
