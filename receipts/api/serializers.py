"""Receipts API shapes: a receipt with what the worker read (each field with its confidence), its items and the
payments it may belong to; the confirmation with any edits.

Inputs only parse; receipts.services checks the rules (a read receipt, items not above the total, the payment's
amount) and its messages come back as the 400's ``fields``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from receipts.models import ReceiptStatus
from transactions.api.serializers import OwnAccountField, VisibleCategoryField, currency_code
from transactions.models import Transaction

MONEY = {"max_digits": 14, "decimal_places": 2}


class FieldSerializer(serializers.Serializer):
    value = serializers.CharField(allow_null=True, help_text="As read (a date as YYYY-MM-DD, money as a decimal "
                                                             "string); null when not found.")
    confidence = serializers.FloatField(allow_null=True, help_text="0-1: how sure the reading is.")


class FieldsSerializer(serializers.Serializer):
    merchant = FieldSerializer(required=False)
    date = FieldSerializer(required=False)
    total = FieldSerializer(required=False)
    tax = FieldSerializer(required=False)
    currency = FieldSerializer(required=False)


class ItemSerializer(serializers.Serializer):
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=10, decimal_places=3)
    amount = serializers.DecimalField(**MONEY, help_text="The line's total (a discount is negative).")
    category_id = serializers.IntegerField(allow_null=True, help_text="The categorizer's choice, null: none.")
    category_confidence = serializers.FloatField(allow_null=True)


class CandidateSerializer(serializers.Serializer):
    transaction = serializers.IntegerField(source="transaction.pk")
    date = serializers.DateField(source="transaction.date")
    amount = serializers.DecimalField(**MONEY, source="transaction.amount")
    description = serializers.CharField(source="transaction.description")
    merchant = serializers.CharField(source="transaction.merchant")
    account = serializers.IntegerField(source="transaction.account_id")
    days_apart = serializers.IntegerField()
    likeness = serializers.FloatField(help_text="How alike the merchant names are, 0-1.")


class ReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ReceiptStatus.choices)
    progress = serializers.IntegerField(help_text="Percent read, while the worker reads it.")
    error = serializers.CharField(help_text="Why it could not be read (status failed), else empty.")
    content_type = serializers.CharField()
    fields = FieldsSerializer()
    items = ItemSerializer(many=True)
    match_candidates = serializers.SerializerMethodField(
        help_text="Payments already in your ledger this receipt may be (same amount, within a few days, a like "
                  "merchant), best first; only while it is ready to confirm.")
    transaction = serializers.IntegerField(source="transaction_id", allow_null=True)
    attached = serializers.BooleanField(help_text="Confirmed onto a payment already in the ledger.")
    created_at = serializers.DateTimeField()
    processed_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(CandidateSerializer(many=True))
    def get_match_candidates(self, receipt) -> list[dict]:  # type: ignore[type-arg]
        candidates = self.context.get("candidates", {}).get(receipt.pk, [])
        return CandidateSerializer(candidates, many=True).data  # type: ignore[return-value]


class OwnTransactionField(serializers.PrimaryKeyRelatedField):
    """A transaction id among the requesting user's; any other id is "does not exist"."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Transaction.objects.all(), **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(owner=self.context["request"].user)


class ItemInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200, allow_blank=True)
    amount = serializers.DecimalField(**MONEY)
    category = VisibleCategoryField(allow_null=True, required=False)


class ReceiptUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A photo (JPEG, PNG, WebP) or a PDF.")
    transaction = OwnTransactionField(required=False, allow_null=True,
                                      help_text="The payment this receipt is for: offered first to attach to.")


class ReceiptConfirmSerializer(serializers.Serializer):
    """Any field left out keeps what was read; ``items`` given replaces the items read."""

    merchant = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date = serializers.DateField(required=False)
    total = serializers.DecimalField(**MONEY, required=False)
    currency = serializers.CharField(max_length=3, required=False)
    items = ItemInputSerializer(many=True, required=False)
    account = OwnAccountField(required=False, allow_null=True,
                              help_text="Where a new transaction goes (when not attaching).")
    attach_to = OwnTransactionField(required=False, allow_null=True,
                                    help_text="A payment already in your ledger (one of match_candidates) that "
                                              "takes the receipt's items as splits instead of a new transaction.")
    merge_same_category = serializers.BooleanField(required=False, default=False,
                                                   help_text="Items of one category become one split part.")

    def validate_currency(self, value: str) -> str:
        return currency_code(value)
