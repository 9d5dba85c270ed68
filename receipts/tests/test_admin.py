"""Staff see a receipt's status and what it became, never its photo or the text read from it."""

from __future__ import annotations

from receipts.models import Receipt
from receipts.tests.conftest import ready_receipt


def test_the_admin_shows_no_photo_and_no_text(admin_client, owner, today):
    receipt = ready_receipt(owner, merchant="Pharmacy Secret", on=today)
    Receipt.objects.filter(pk=receipt.pk).update(ocr_text="DIAGNOSIS X PRESCRIPTION")
    for url in ("/admin/receipts/receipt/", f"/admin/receipts/receipt/{receipt.pk}/change/"):
        page = admin_client.get(url).content.decode()
        assert "DIAGNOSIS" not in page and "Pharmacy Secret" not in page
        assert receipt.file.name not in page and "/file/" not in page
