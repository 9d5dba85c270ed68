"""The receipts API: upload, read (fields, confidence, items, match candidates), confirm with edits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from receipts.models import Receipt
from receipts.tests.conftest import image_bytes, ready_receipt, stored_files, upload
from transactions.models import Category, Transaction
from transactions.tests.factories import TransactionFactory

URL = "/api/v1/receipts/"


def test_upload_answers_202_with_the_receipt(owner_api, owner):
    response = owner_api.post(URL, {"file": upload(image_bytes())}, format="multipart")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "uploaded" and body["match_candidates"] == []
    assert Receipt.objects.get(pk=body["id"]).user == owner


@pytest.mark.parametrize("data", [b"just text", b"%PDF-1.7 broken"])
def test_a_refused_upload_is_a_400_and_nothing_stored(owner_api, settings, data):
    response = owner_api.post(URL, {"file": upload(data)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["message"] and not Receipt.objects.exists() and not stored_files(settings)


def test_a_receipt_shows_fields_items_and_candidates_then_confirms_with_edits(owner_api, owner, account, today):
    groceries = Category.objects.get(key="food_drink.groceries")
    imported = TransactionFactory(account=account, date=today - dt.timedelta(days=1), amount=Decimal("-12.00"),
                                  description="LIDL DIENSTL 123", merchant="Lidl")
    receipt = ready_receipt(owner, merchant="LIDL", on=today, total="12.00",
                            items=[("Apples", "4.00", groceries), ("Pasta", "6.00", groceries)])
    body = owner_api.get(f"{URL}{receipt.pk}/").json()
    assert body["fields"]["total"] == {"value": "12.00", "confidence": 0.95}
    assert [i["description"] for i in body["items"]] == ["Apples", "Pasta"]
    assert [c["transaction"] for c in body["match_candidates"]] == [imported.pk]

    response = owner_api.post(f"{URL}{receipt.pk}/confirm/", {
        "attach_to": imported.pk, "items": [
            {"description": "Apples", "amount": "4.00", "category": groceries.pk},
            {"description": "Pasta", "amount": "8.00"}]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "confirmed" and response.json()["attached"] is True
    assert Transaction.objects.count() == 1
    assert sum(imported.splits.values_list("amount", flat=True)) == Decimal("-12.00")


def test_confirm_needs_an_account_for_a_new_transaction(owner_api, owner, today, account):
    receipt = ready_receipt(owner, on=today, total="3.00")
    response = owner_api.post(f"{URL}{receipt.pk}/confirm/", {}, format="json")
    assert response.status_code == 400 and "account" in response.json()["fields"]
    response = owner_api.post(f"{URL}{receipt.pk}/confirm/", {"account": account.pk, "total": "3.50"},
                              format="json")
    assert response.status_code == 200
    assert Transaction.objects.get().amount == Decimal("-3.50")


def test_another_users_receipt_is_404_on_every_endpoint(other_api, owner, today, other_account):
    receipt = ready_receipt(owner, on=today)
    for method, path in [("get", ""), ("get", "file/"), ("delete", ""), ("post", "confirm/")]:
        response = getattr(other_api, method)(f"{URL}{receipt.pk}/{path}", {"account": other_account.pk},
                                              format="json")
        assert response.status_code == 404, (method, path)
    assert other_api.get(URL).json()["count"] == 0
    assert Receipt.objects.filter(pk=receipt.pk, status="ready").exists()
