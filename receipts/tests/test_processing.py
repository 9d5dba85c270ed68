"""The worker reads a receipt: real Tesseract when installed; a clear failure when it is not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from receipts import processing, services
from receipts.models import ReceiptStatus
from receipts.ocr import TESSERACT_MISSING, OcrResult, tesseract_available
from receipts.tests.conftest import image_bytes, upload

needs_tesseract = pytest.mark.skipif(not tesseract_available(),
                                     reason="Tesseract with English and German is not installed here")


def _receipt_lines(on: dt.date) -> list[str]:
    return ["REWE Markt GmbH", "Hauptstr. 5, 50667 Koeln", f"Datum: {on:%d.%m.%Y}", "",
            "Milch 1,5%          1,19 EUR", "Vollkornbrot        2,49 EUR", "Bananen             1,50 EUR",
            "SUMME EUR           5,18"]


@needs_tesseract
def test_the_worker_reads_an_uploaded_photo(owner, today, django_capture_on_commit_callbacks):
    # The upload queues the task through the outbox; Huey runs it inline in tests once the write commits.
    with django_capture_on_commit_callbacks(execute=True):
        receipt = services.receipt_upload(user=owner, upload=upload(
            image_bytes(size=(1000, 520), lines=_receipt_lines(today))))
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.READY, receipt.error
    assert receipt.progress == 100 and "SUMME" in receipt.ocr_text.upper()
    assert Decimal(receipt.field_value("total")) == Decimal("5.18")
    assert receipt.field_value("date") == today.isoformat()
    assert "rewe" in str(receipt.field_value("merchant")).lower()
    assert 0 < receipt.field_confidence("total") <= 1
    assert [Decimal(i["amount"]) for i in receipt.items] == [Decimal("1.19"), Decimal("2.49"), Decimal("1.50")]


def test_without_tesseract_the_receipt_fails_with_what_to_install(owner, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    monkeypatch.setattr(processing, "tesseract_available", lambda: False)
    with django_capture_on_commit_callbacks(execute=True):
        receipt = services.receipt_upload(user=owner, upload=upload(image_bytes()))
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.FAILED and receipt.error == TESSERACT_MISSING


def test_a_receipt_is_read_once(owner):
    receipt = services.receipt_upload(user=owner, upload=upload(image_bytes()))
    receipt.status = ReceiptStatus.CONFIRMED
    receipt.save()
    assert processing.receipt_process(receipt_id=receipt.pk) == ReceiptStatus.CONFIRMED
    assert processing.receipt_process(receipt_id=receipt.pk + 1000) == "gone"


def test_a_failed_receipt_is_read_again_once_asked(owner, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(processing, "tesseract_available", lambda: False)
    with django_capture_on_commit_callbacks(execute=True):
        receipt = services.receipt_upload(user=owner, upload=upload(image_bytes()))
    monkeypatch.setattr(processing, "tesseract_available", lambda: True)
    monkeypatch.setattr(processing, "ocr_read", lambda data, content_type: OcrResult(
        text="SHOP\nTOTAL 3.00", lines=["SHOP", "TOTAL 3.00"], seconds=0.1, pages=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.receipt_retry(user=owner, receipt=receipt)
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.READY and receipt.error == ""
    with pytest.raises(ValidationError, match="could not be read"):
        services.receipt_retry(user=owner, receipt=receipt)
