"""Alert API shapes: the alert with its reasons and transaction; the answer in, what to do next out."""

from __future__ import annotations

from rest_framework import serializers

from alerts.models import Alert, AlertLevel, AlertStatus
from mlcore.services import Verdict


class FactorSerializer(serializers.Serializer):
    detector = serializers.CharField(help_text="amount, frequency, category, timing, duplicate, new_merchant, "
                                               "currency or price_rise.")
    score = serializers.FloatField(help_text="How strongly this reason weighed, 0 to 1.")
    sentence = serializers.CharField(help_text="The reason, to show as it is.")


class AlertTransactionSerializer(serializers.Serializer):
    """The charge as it was when flagged (``id`` is null once it was deleted, e.g. as a duplicate)."""

    id = serializers.IntegerField(source="transaction_id", allow_null=True)
    date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Signed: negative is money out.")
    currency = serializers.CharField()
    description = serializers.CharField()


class AlertSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(choices=AlertLevel.choices)
    status = serializers.ChoiceField(choices=AlertStatus.choices)
    score = serializers.DecimalField(max_digits=4, decimal_places=3, coerce_to_string=False,
                                     help_text="The combined risk, 0 to 1.")
    transaction = AlertTransactionSerializer(source="*")
    factors = FactorSerializer(many=True, help_text="The reasons, strongest first.")
    related_transaction_ids = serializers.ListField(child=serializers.IntegerField(), source="related_ids",
                                                    help_text="Other charges in the finding (a duplicate's twin).")

    class Meta:
        model = Alert
        fields = ["id", "level", "score", "kind", "status", "decided_at", "created_at", "transaction", "factors",
                  "related_transaction_ids"]
        read_only_fields = fields


class FeedbackInputSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices, help_text="fine: this is fine (the same pattern "
                                      "will not alert again); not_mine; duplicate.")
    delete_transaction = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
        help_text="With duplicate: the id of the charge of the pair to delete (one of `transaction.id` and "
                  "`related_transaction_ids`).")


class DuplicateChargeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    description = serializers.CharField()
    account = serializers.CharField(source="account.name")


class FeedbackOutputSerializer(serializers.Serializer):
    alert = AlertSerializer()
    message = serializers.CharField(help_text="What to tell the person: what to do next, or what was done.")
    duplicates = DuplicateChargeSerializer(many=True, help_text="After duplicate without delete_transaction: "
                                                                 "the charges of the pair, to choose one to delete.")
