"""The worker's reading of a receipt: OCR, the parser (with the user's merchants), the categorizer per item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import structlog
from django.db.models import Q
from django.utils import timezone

from mlcore.services import import_rows_categorize
from receipts import selectors
from receipts.models import Receipt, ReceiptStatus
from receipts.ocr import TESSERACT_MISSING, OcrError, ocr_read, tesseract_available
from receipts.parsing import ParsedReceipt, receipt_parse
from transactions.ingest import ImportRow
from transactions.models import AccountKind

STALE = dt.timedelta(minutes=10)
log = structlog.get_logger("finsight.receipts")


def _progress(receipt: Receipt, percent: int) -> None:
    receipt.progress = percent
    Receipt.objects.filter(pk=receipt.pk).update(progress=percent, updated_at=timezone.now())


def _fail(receipt: Receipt, message: str) -> None:
    Receipt.objects.filter(pk=receipt.pk).update(status=ReceiptStatus.FAILED, error=message, progress=100,
                                                 processed_at=timezone.now(), updated_at=timezone.now())


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _fields(parsed: ParsedReceipt) -> dict[str, Any]:
    return {name: {"value": _json(getattr(parsed, name).value), "confidence": getattr(parsed, name).confidence}
            for name in ("merchant", "date", "total", "tax", "currency")}


def _items(*, receipt: Receipt, parsed: ParsedReceipt, on: dt.date) -> list[dict[str, Any]]:
    """The items with the categorizer's choice for each (the user's history, their model, the global one)."""
    merchant = str(parsed.merchant.value or "")
    rows = [ImportRow(date=on, amount=-item.amount, description=item.description, merchant=merchant)
            for item in parsed.items]
    if rows:
        import_rows_categorize(user=receipt.user, account_kind=AccountKind.CHECKING, rows=rows)
    items = []
    for item, row in zip(parsed.items, rows, strict=True):
        category = row.category or row.suggested_category
        items.append({"description": item.description, "quantity": str(item.quantity), "amount": str(item.amount),
                      "category_id": category.pk if category else None,
                      "category_confidence": float(row.category_confidence) if row.category_confidence else None})
    return items


def receipt_process(*, receipt_id: int) -> str:
    """Read one uploaded receipt; returns its status. Safe to run twice: only a waiting receipt is claimed."""
    # A reading with no sign of life for STALE was lost with its worker and may be claimed again.
    stale = timezone.now() - STALE
    claimed = Receipt.objects.filter(pk=receipt_id).filter(
        Q(status=ReceiptStatus.UPLOADED) | Q(status=ReceiptStatus.PROCESSING, updated_at__lt=stale)
    ).update(status=ReceiptStatus.PROCESSING, progress=5, error="", updated_at=timezone.now())
    receipt = Receipt.objects.select_related("user", "user__financial_profile").filter(pk=receipt_id).first()
    if receipt is None:
        return "gone"
    if claimed != 1:
        return str(receipt.status)
    if not tesseract_available():
        _fail(receipt, str(TESSERACT_MISSING))
        return ReceiptStatus.FAILED
    try:
        with receipt.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        _fail(receipt, "The receipt's file is missing; upload it again.")
        return ReceiptStatus.FAILED
    _progress(receipt, 15)
    try:
        result = ocr_read(data, content_type=receipt.content_type)
    except OcrError as error:
        _fail(receipt, str(error) or "The text of this receipt could not be read.")
        return ReceiptStatus.FAILED
    _progress(receipt, 70)
    profile = receipt.user.financial_profile
    today = profile.local_today()
    parsed = receipt_parse(result.text, today=today, header=result.header, known_merchants=selectors.known_merchants(user=receipt.user),
                           default_currency=profile.preferred_currency or "EUR")
    _progress(receipt, 85)
    on = parsed.date.value if isinstance(parsed.date.value, dt.date) else today
    items = _items(receipt=receipt, parsed=parsed, on=on)
    Receipt.objects.filter(pk=receipt.pk).update(
        status=ReceiptStatus.READY, progress=100, ocr_text=result.text, ocr_seconds=result.seconds,
        fields=_fields(parsed), items=items, processed_at=timezone.now(), updated_at=timezone.now())
    log.info("receipt_read", receipt_id=receipt.pk, seconds=result.seconds, pages=result.pages, items=len(items))
    return ReceiptStatus.READY
