"""The receipts pages: upload (the camera input), the review, the progress, the file to its owner only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from receipts import views
from receipts.models import Receipt, ReceiptStatus
from receipts.tests.conftest import image_bytes, ready_receipt, stored_files, upload
from transactions.models import Category, Transaction
from transactions.tests.factories import TransactionFactory


@pytest.fixture
def client_in(client, owner):
    client.force_login(owner)
    return client


def test_the_upload_page_opens_the_camera_and_lists_receipts(client_in, owner, today):
    ready_receipt(owner, merchant="Bakery Lutz", on=today)
    page = client_in.get(reverse("receipts:list")).content.decode()
    assert 'accept="image/*,application/pdf"' in page and 'capture="environment"' in page
    assert "Bakery Lutz" in page


def test_uploading_goes_to_the_receipt_which_polls_while_read(client_in, owner):
    response = client_in.post(reverse("receipts:list"), {"file": upload(image_bytes())})
    receipt = Receipt.objects.get(user=owner)
    assert response.status_code == 302 and response["Location"] == reverse("receipts:detail", args=[receipt.pk])
    page = client_in.get(response["Location"]).content.decode()
    assert reverse("receipts:status", args=[receipt.pk]) in page and 'hx-trigger="every 1s"' in page
    status = client_in.get(reverse("receipts:status", args=[receipt.pk]))
    assert status.status_code == 200 and b"Waiting to be read" in status.content


def test_a_refused_file_is_a_400_on_the_form_and_nothing_stored(client_in, settings):
    response = client_in.post(reverse("receipts:list"), {"file": upload(b"MZ not a receipt", "x.exe")})
    assert response.status_code == 400 and b"not a photo or PDF" in response.content
    assert not Receipt.objects.exists() and not stored_files(settings)


def test_a_failed_reading_says_why(client_in, owner):
    receipt = ready_receipt(owner, on=owner.financial_profile.local_today())
    Receipt.objects.filter(pk=receipt.pk).update(status=ReceiptStatus.FAILED,
                                                 error="Receipt scanning needs Tesseract OCR")
    page = client_in.get(reverse("receipts:detail", args=[receipt.pk])).content.decode()
    assert "could not be read" in page and "Receipt scanning needs Tesseract OCR" in page


def test_review_and_confirm_attaches_to_the_matching_payment(client_in, owner, account, today):
    groceries = Category.objects.get(key="food_drink.groceries")
    imported = TransactionFactory(account=account, date=today, amount=Decimal("-8.00"), description="REWE 0815",
                                  merchant="Rewe")
    receipt = ready_receipt(owner, on=today, total="8.00", items=[("Milk", "3.00", groceries),
                                                                  ("Bread", "5.00", None)])
    url = reverse("receipts:detail", args=[receipt.pk])
    page = client_in.get(url).content.decode()
    assert reverse("receipts:file", args=[receipt.pk]) in page and "REWE 0815" in page
    data = {"merchant": "Rewe", "date": today.isoformat(), "total": "8.00", "currency": "EUR",
            "attach_to": str(imported.pk), "account": str(account.pk),
            "item-TOTAL_FORMS": "2", "item-INITIAL_FORMS": "2",
            "item-0-description": "Milk", "item-0-amount": "3.00", "item-0-category": str(groceries.pk),
            "item-1-description": "Bread", "item-1-amount": "5.00", "item-1-category": str(groceries.pk)}
    response = client_in.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("transactions:detail", args=[imported.pk])
    assert Transaction.objects.count() == 1
    assert sorted(imported.splits.values_list("amount", flat=True)) == [Decimal("-5.00"), Decimal("-3.00")]


def test_the_file_is_served_to_its_owner_only(client_in, client, owner, other_user, today):
    receipt = ready_receipt(owner, on=today)
    response = client_in.get(reverse("receipts:file", args=[receipt.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


@pytest.mark.parametrize("name", ["detail", "status", "file"])
def test_another_users_receipt_is_404_on_every_page(client, owner, other_user, today, name):
    receipt = ready_receipt(owner, on=today)
    client.force_login(other_user)
    assert client.get(reverse(f"receipts:{name}", args=[receipt.pk])).status_code == 404
    assert client.post(reverse("receipts:detail", args=[receipt.pk]), {"action": "delete"}).status_code == 404
    assert Receipt.objects.filter(pk=receipt.pk).exists()


def test_a_payments_page_offers_to_attach_a_receipt_which_is_then_offered_first(client_in, owner, account, today):
    payment = TransactionFactory(account=account, date=today, amount=Decimal("-30.00"), description="SHOP 1")
    page = client_in.get(reverse("transactions:detail", args=[payment.pk])).content.decode()
    link = f"{reverse('receipts:list')}?transaction={payment.pk}"
    assert link in page
    assert "SHOP 1" in client_in.get(link).content.decode()
    client_in.post(reverse("receipts:list"), {"file": upload(image_bytes()), "transaction": payment.pk})
    receipt = Receipt.objects.get(user=owner)
    assert receipt.meant_for == payment


def test_the_upload_page_says_plainly_when_tesseract_is_missing(client_in, monkeypatch):
    monkeypatch.setattr(views, "tesseract_available", lambda: False)
    page = client_in.get(reverse("receipts:list")).content.decode()
    assert "cannot be read on this server" in page and "apt-get install tesseract-ocr" in page
