"""Groups API shapes. Amounts are decimal strings in the group's currency (the models keep cents); inputs are
checked for shape here and for meaning by groups.services, whose messages come back under the same fields."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from groups.models import (
    ActivityVerb,
    Group,
    GroupActivity,
    GroupExpense,
    Invite,
    MemberRole,
    Membership,
    Settlement,
    SplitMode,
    cents_to_decimal,
)
from groups.selectors import expense_can_change, settlement_can_delete
from transactions.api.serializers import CurrencyCodeField, VisibleCategoryField

AMOUNT = {"max_digits": 14, "decimal_places": 2}


def person_name(user) -> str:
    return user.get_short_name() if user is not None else ""


class MoneyField(serializers.DecimalField):
    """Cents on the model, a decimal string in the API."""

    def __init__(self, **kwargs):
        super().__init__(**AMOUNT, read_only=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(cents_to_decimal(value))


# --- groups and members ------------------------------------------------------------------------------------

class GroupSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=MemberRole.choices, read_only=True, source="my_role",
                                   help_text="Your role in the group.")
    member_count = serializers.IntegerField(read_only=True, help_text="Current members.")

    class Meta:
        model = Group
        fields = ["id", "name", "currency", "role", "member_count", "created_at"]
        read_only_fields = fields


class GroupCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    currency = CurrencyCodeField(help_text="The group's currency (ISO 4217); expenses in others are converted.")


class GroupRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class GroupMemberSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "name", "email", "role", "joined_at"]
        read_only_fields = fields

    def get_name(self, membership: Membership) -> str:
        return person_name(membership.user)


# --- invites -----------------------------------------------------------------------------------------------

class GroupInviteSerializer(serializers.ModelSerializer):
    """The token is not shown: it is the invited person's secret, sent to them by email and notification."""

    invited_by = serializers.IntegerField(source="invited_by_id", read_only=True, allow_null=True)
    expired = serializers.SerializerMethodField(help_text="Past `expires_at` unanswered: the link no longer works; "
                                                          "invite the address again to send a new one.")

    class Meta:
        model = Invite
        fields = ["id", "email", "status", "invited_by", "created_at", "expires_at", "expired"]
        read_only_fields = fields

    def get_expired(self, invite: Invite) -> bool:
        return invite.is_expired()


class GroupInviteCreateSerializer(serializers.Serializer):
    # A CharField, not EmailField: the service's own message answers a bad address.
    email = serializers.CharField(max_length=254, help_text="Who to invite; they may not have an account yet.")


# --- expenses ----------------------------------------------------------------------------------------------

class GroupPayerInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    amount = serializers.DecimalField(**AMOUNT, required=False, allow_null=True,
                                      help_text="What they paid, in the expense's currency; null for the whole "
                                                "amount (a single payer).")


class GroupShareInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    value = serializers.DecimalField(max_digits=14, decimal_places=4, required=False, allow_null=True,
                                     help_text="equal: ignored (null); exact: their part in the expense's currency; "
                                               "percent: a percentage; shares: a number of shares.")


class GroupExpenseInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    date = serializers.DateField()
    amount = serializers.DecimalField(**AMOUNT, help_text="The total, in `currency`.")
    currency = CurrencyCodeField(required=False, allow_null=True,
                                 help_text="ISO 4217 code; omitted means the group's currency. Another currency is "
                                           "converted at the ECB rate of the date.")
    category = VisibleCategoryField(required=False, allow_null=True,
                                    error_messages={"does_not_exist": "Category {pk_value} not found."})
    split_mode = serializers.ChoiceField(choices=SplitMode.choices, default=SplitMode.EQUAL)
    payers = GroupPayerInputSerializer(many=True, allow_empty=False)
    shares = GroupShareInputSerializer(many=True, allow_empty=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    transaction = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
                                           help_text="One of your own transactions to link to your payment "
                                                     "(creation only; you must be a payer).")


class GroupPayerSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.SerializerMethodField()
    paid = serializers.DecimalField(**AMOUNT, help_text="In the group's currency.")
    transaction = serializers.IntegerField(source="transaction_id", allow_null=True,
                                           help_text="The payer's linked ledger transaction, if any.")

    def get_name(self, payer) -> str:
        return person_name(payer.user)


class GroupShareSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.SerializerMethodField()
    weight = serializers.DecimalField(max_digits=14, decimal_places=4,
                                      help_text="As entered for the split mode (1 for an equal split).")
    owed = serializers.DecimalField(**AMOUNT, help_text="Their part, in the group's currency.")

    def get_name(self, share) -> str:
        return person_name(share.user)


class GroupExpenseSerializer(serializers.ModelSerializer):
    total = serializers.DecimalField(**AMOUNT, read_only=True, help_text="In the group's currency.")
    currency = serializers.CharField(source="group.currency", read_only=True, help_text="The group's currency.")
    payers = GroupPayerSerializer(many=True, read_only=True)
    shares = GroupShareSerializer(many=True, read_only=True)
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)
    can_change = serializers.SerializerMethodField(
        help_text="Whether you may edit or delete it: whoever added it, its payers and the group's owner may.")

    class Meta:
        model = GroupExpense
        fields = ["id", "description", "date", "total", "currency", "original_amount", "original_currency",
                  "fx_rate", "category", "split_mode", "payers", "shares", "notes", "created_by", "created_at",
                  "updated_at", "can_change"]
        read_only_fields = fields

    def get_can_change(self, expense: GroupExpense) -> bool:
        return expense_can_change(expense=expense, user=self.context["request"].user,
                                  owner=self.context.get("is_owner"))


class GroupExpenseFilterSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                      help_text="Expenses this member paid for or shares.")
    category = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    start = serializers.DateField(required=False, help_text="On or after this date.")
    end = serializers.DateField(required=False, help_text="On or before this date.")
    search = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                   help_text="Words in the description.")

    def validate(self, attrs: dict) -> dict:
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"end": "The end date comes before the start date."})
        return attrs


# --- settlements, balances, activity -----------------------------------------------------------------------

class GroupSettlementSerializer(serializers.ModelSerializer):
    payer = serializers.IntegerField(source="payer_id", read_only=True)
    payee = serializers.IntegerField(source="payee_id", read_only=True)
    payer_name = serializers.SerializerMethodField()
    payee_name = serializers.SerializerMethodField()
    amount = serializers.DecimalField(**AMOUNT, read_only=True, help_text="In the group's currency.")
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)
    can_delete = serializers.SerializerMethodField(
        help_text="Whether you may delete it: whoever recorded it, its payer and the group's owner may.")

    class Meta:
        model = Settlement
        fields = ["id", "payer", "payer_name", "payee", "payee_name", "amount", "date", "note", "created_by",
                  "created_at", "can_delete"]
        read_only_fields = fields

    def get_can_delete(self, settlement: Settlement) -> bool:
        return settlement_can_delete(settlement=settlement, user=self.context["request"].user,
                                     owner=self.context.get("is_owner"))

    def get_payer_name(self, settlement: Settlement) -> str:
        return person_name(settlement.payer)

    def get_payee_name(self, settlement: Settlement) -> str:
        return person_name(settlement.payee)


class GroupSettlementInputSerializer(serializers.Serializer):
    payer = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="Who paid.")
    payee = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="Who received it.")
    amount = serializers.DecimalField(**AMOUNT, min_value=Decimal("0.01"), help_text="In the group's currency.")
    date = serializers.DateField(required=False, allow_null=True, help_text="Defaults to today.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class GroupBalanceSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    name = serializers.CharField()
    balance = serializers.DecimalField(**AMOUNT, help_text="What the group owes them (negative: what they owe), "
                                                           "in the group's currency.")


# "from" is a Python keyword, so the class is built with type().
GroupTransferSerializer = type("GroupTransferSerializer", (serializers.Serializer,), {
    "__doc__": "One suggested payment of the settle-up plan.",
    "from": serializers.IntegerField(help_text="Who pays (user id)."),
    "from_name": serializers.CharField(),
    "to": serializers.IntegerField(help_text="Who receives it (user id)."),
    "to_name": serializers.CharField(),
    "amount": serializers.DecimalField(**AMOUNT, help_text="In the group's currency."),
})


class GroupActivitySerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)
    actor_name = serializers.SerializerMethodField()
    verb = serializers.ChoiceField(choices=ActivityVerb.choices, read_only=True)
    expense = serializers.IntegerField(source="expense_id", read_only=True, allow_null=True,
                                       help_text="The expense, while it still exists.")

    class Meta:
        model = GroupActivity
        fields = ["id", "actor", "actor_name", "verb", "summary", "expense", "created_at"]
        read_only_fields = fields

    def get_actor_name(self, activity: GroupActivity) -> str:
        return person_name(activity.actor)
