"""The review queue's JSON: a waiting transaction with its suggestion, and the answers to accept and correct."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mlcore.feedback import suggestion_of
from transactions.api.serializers import MONEY, VisibleCategoryField
from transactions.filters import MAX_ID
from transactions.models import Transaction


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    full_name = serializers.CharField(source="__str__", help_text='"Parent > Child" or "Top".')


class AccountRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReviewItemSerializer(serializers.ModelSerializer):
    account = AccountRefSerializer()
    amount = serializers.DecimalField(**MONEY, help_text="Signed: negative is money out.")
    amount_converted = serializers.DecimalField(**MONEY, allow_null=True,
                                                help_text="In your preferred currency, when converted.")
    suggestion = serializers.SerializerMethodField(help_text="What accept would file it under; null if nothing.")
    confidence = serializers.DecimalField(source="category_confidence", max_digits=4, decimal_places=3,
                                          allow_null=True, help_text="0 to 1, of the suggestion.")
    explanation = serializers.CharField(source="category_explanation", help_text="Why it was suggested.")

    class Meta:
        model = Transaction
        fields = ["id", "date", "description", "merchant", "account", "amount", "currency", "amount_converted",
                  "converted_currency", "suggestion", "confidence", "explanation"]

    @extend_schema_field(CategoryRefSerializer(allow_null=True))
    def get_suggestion(self, txn: Transaction) -> dict | None:
        suggestion = suggestion_of(txn)
        return CategoryRefSerializer(suggestion).data if suggestion is not None else None


class ReviewDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = CategoryRefSerializer()
    category_source = serializers.CharField(help_text='"user": locked as your own choice.')
    needs_review = serializers.BooleanField()
    remaining = serializers.IntegerField(help_text="Transactions still waiting for review.")


class ReviewCorrectSerializer(serializers.Serializer):
    category = VisibleCategoryField(help_text="A standard category or one of your own.")


class ReviewBulkAcceptSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False,
                                max_length=10_000,
                                help_text="Transaction ids; ids that are not yours or not waiting are ignored.")


class ReviewBulkAcceptedSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Suggestions accepted.")
    skipped = serializers.IntegerField(help_text="Your waiting transactions left alone: they have no suggestion.")
    remaining = serializers.IntegerField(help_text="Transactions still waiting for review.")
