from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from accounts.currencies import currency_choices
from transactions.models import (
    Account,
    Category,
    CategoryKind,
    Rule,
    StatedBalanceSource,
    Transaction,
    TransactionSplit,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class OwnAccountField(serializers.PrimaryKeyRelatedField):
    """An account id among the requesting user's accounts; any other id is "does not exist"."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Account.objects.all(), **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(owner=self.context["request"].user)


class VisibleCategoryField(serializers.PrimaryKeyRelatedField):
    """A category id among the standard taxonomy and the requesting user's own categories."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.all(), **kwargs)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.context["request"].user)


def currency_code(value: str) -> str:
    code = value.strip().upper()
    if code not in dict(currency_choices()):
        raise serializers.ValidationError(f"Unknown currency {value!r}: use an ISO 4217 code such as EUR.")
    return code


class CurrencyCodeField(serializers.CharField):
    """An ISO 4217 code. A plain string in the schema: the same choice set as the profile's preferred currency
    under another field name would make a second enum component."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "ISO 4217 code, e.g. EUR.")
        super().__init__(max_length=3, min_length=3, **kwargs)

    def to_internal_value(self, data) -> str:
        return currency_code(super().to_internal_value(data))


# --- accounts -------------------------------------------------------------------------------------

class ReconciliationSerializer(serializers.Serializer):
    """A balance the bank stated beside Finsight's balance on the same day."""

    date = serializers.DateField(source="on", help_text="The day (its end) the bank states the balance for.")
    bank_balance = serializers.DecimalField(**MONEY, help_text="The balance the bank's file states.")
    finsight_balance = serializers.DecimalField(**MONEY, help_text="Finsight's balance at the end of that day, now.")
    difference = serializers.DecimalField(**MONEY, help_text="bank_balance - finsight_balance: what an adjustment "
                                                             "on that day adds. 0.00 when they match.")
    matches = serializers.BooleanField()
    stated_in = serializers.ChoiceField(source="source", choices=StatedBalanceSource.choices,
                                        help_text="ledger (OFX LEDGERBAL), available (OFX AVAILBAL) or column "
                                                  "(the file's balance column).")
    import_id = serializers.IntegerField(help_text="The import whose file states it.")


class AccountSerializer(serializers.ModelSerializer):
    """One serializer both ways; the currency can only be set at creation. The balance is given as
    ``current_balance`` (today's) or as ``opening_balance`` at the start of ``opening_date``; both are kept as
    ``known_balance`` at the end of ``known_balance_date``."""

    currency = CurrencyCodeField(help_text="ISO 4217 code, e.g. EUR; fixed once the account exists.")
    current_balance = serializers.DecimalField(
        **MONEY, required=False, write_only=True,
        help_text="The balance today, as the bank shows it. Transactions imported later that are dated today or "
                  "earlier do not move it. Instead of opening_balance and opening_date.")
    opening_balance = serializers.DecimalField(
        **MONEY, required=False,
        help_text="The balance at the start of opening_date (the known balance, said the other way round).")
    opening_date = serializers.DateField(required=False, help_text="Transactions from this day on add to the "
                                                                   "opening balance; earlier ones lead up to it.")
    balance = serializers.DecimalField(**MONEY, read_only=True,
                                       help_text="The known balance plus every transaction after its day.")
    reconciliation = ReconciliationSerializer(read_only=True, allow_null=True,
                                              help_text="The latest imported statement's balance beside Finsight's "
                                                        "on its day; null when no file stated a balance.")

    class Meta:
        model = Account
        fields = ["id", "name", "kind", "currency", "balance", "known_balance", "known_balance_date",
                  "current_balance", "opening_balance", "opening_date", "reconciliation", "created_at"]
        read_only_fields = ["id", "balance", "known_balance", "known_balance_date", "reconciliation", "created_at"]
        extra_kwargs = {
            "known_balance": {"help_text": "The balance at the end of known_balance_date: every transaction dated "
                                           "that day or earlier is in it."},
        }
        # Uniqueness is checked, case-insensitively, by the service.
        validators: list = []

    def validate_currency(self, value: str) -> str:
        if self.instance is not None and value != self.instance.currency:
            raise serializers.ValidationError("The currency of an existing account cannot change: its transactions "
                                              "are recorded in it.")
        return value

    def validate(self, attrs: dict) -> dict:
        if "current_balance" in attrs and ({"opening_balance", "opening_date"} & attrs.keys()):
            raise serializers.ValidationError({"current_balance": "Give either today's balance or an opening "
                                                                  "balance, not both."})
        return attrs


class AccountAdjustSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day whose closing balance the bank states (not in the future).")
    bank_balance = serializers.DecimalField(**MONEY, help_text="The balance the bank states for the end of that "
                                                               "day.")


# --- categories -----------------------------------------------------------------------------------

class CategorySerializer(serializers.ModelSerializer):
    """Create sets name, optional parent and kind; a later PATCH can only rename."""

    full_name = serializers.CharField(source="__str__", read_only=True, help_text='"Parent > Child" or "Top".')
    parent = VisibleCategoryField(required=False, allow_null=True,
                                  help_text="A top-level category to nest under; null for a top-level category.")
    kind = serializers.ChoiceField(choices=CategoryKind.choices, required=False,
                                   help_text="For a top-level category; a sub-category takes its parent's kind.")
    # A SlugField in the model, whose slug pattern the schema would claim; a standard category's key is dotted.
    key = serializers.CharField(read_only=True, allow_null=True,
                                help_text='The standard taxonomy\'s key, e.g. "food_drink.groceries"; null for yours.')
    is_standard = serializers.BooleanField(read_only=True, help_text="Part of the standard taxonomy (read-only).")
    is_hidden = serializers.BooleanField(read_only=True, help_text="Hidden from your category pickers.")

    class Meta:
        model = Category
        fields = ["id", "name", "full_name", "parent", "kind", "key", "is_standard", "is_hidden"]
        read_only_fields = ["id", "full_name", "key", "is_standard", "is_hidden"]
        validators: list = []


class CategoryMergeSerializer(serializers.Serializer):
    into = VisibleCategoryField(help_text="The category that receives this one's transactions.")


class CategoryMergeResultSerializer(serializers.Serializer):
    moved = serializers.IntegerField(help_text="How many transactions were moved.")
    into = CategorySerializer()


# --- transactions ---------------------------------------------------------------------------------

class SplitSerializer(serializers.ModelSerializer):
    class Meta:
        model = TransactionSplit
        fields = ["category", "amount", "notes"]
        read_only_fields = fields


class SplitPartSerializer(serializers.Serializer):
    category = VisibleCategoryField()
    amount = serializers.DecimalField(**MONEY, help_text="Same sign as the transaction; the parts add up to it.")
    notes = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TransactionSerializer(serializers.ModelSerializer):
    category_name = serializers.SerializerMethodField(help_text='"Parent > Child"; null when uncategorized or split.')
    tags = serializers.SerializerMethodField()
    splits = SplitSerializer(many=True, read_only=True)

    class Meta:
        model = Transaction
        fields = [
            "id", "account", "date", "amount", "currency", "amount_converted", "converted_currency", "fx_rate",
            "fx_date", "description", "merchant", "category", "category_name", "category_source",
            "category_confidence", "needs_review", "notes", "tags", "source", "import_batch", "splits", "created_at",
        ]
        read_only_fields = fields

    def get_category_name(self, txn: Transaction) -> str | None:
        return str(txn.category) if txn.category else None

    def get_tags(self, txn: Transaction) -> list[str]:
        return [tag.name for tag in txn.tags.all()]  # prefetched by the selector


class TransactionWriteSerializer(serializers.Serializer):
    """Fields a person may set; the currency only at creation (it defaults to the account's)."""

    account = OwnAccountField()
    date = serializers.DateField()
    amount = serializers.DecimalField(**MONEY, help_text="Signed: negative is money out.")
    description = serializers.CharField(max_length=500)
    merchant = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category = VisibleCategoryField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=50)


class TransactionCreateSerializer(TransactionWriteSerializer):
    currency = CurrencyCodeField(required=False, help_text="ISO 4217 code; defaults to the account's currency.")


class BulkIdsSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=10**18 - 1), allow_empty=False,
                                max_length=10_000,
                                help_text="Transaction ids; ids that are not yours are ignored.")


class BulkRecategorizeSerializer(BulkIdsSerializer):
    category = VisibleCategoryField(allow_null=True, help_text="null to clear the category.")


class BulkUpdatedSerializer(serializers.Serializer):
    updated = serializers.IntegerField()


class BulkDeletedSerializer(serializers.Serializer):
    deleted = serializers.IntegerField()


class AccountAdjustedSerializer(serializers.Serializer):
    adjustment = TransactionSerializer(help_text="The adjustment transaction added.")
    account = AccountSerializer(help_text="The account with its new balance and reconciliation.")


# --- currency -------------------------------------------------------------------------------------

class CurrencyConvertQuerySerializer(serializers.Serializer):
    """Query parameters; ``from`` is a Python keyword, hence the fields are built in get_fields()."""

    def get_fields(self):
        return {
            "amount": serializers.DecimalField(max_digits=20, decimal_places=None, help_text="e.g. 100 or -12.50."),
            "from": serializers.CharField(max_length=10, help_text="ISO 4217 code of the amount, e.g. USD."),
            "to": serializers.CharField(max_length=10, help_text="ISO 4217 code to convert into, e.g. EUR."),
            "date": serializers.DateField(required=False,
                                          help_text="YYYY-MM-DD; defaults to today. The nearest earlier ECB rate "
                                                    "applies."),
        }


class CurrencyConversionSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            # No decimal_places: each number keeps its own precision (the rate 10 places, JPY none).
            "amount": serializers.DecimalField(max_digits=None, decimal_places=None, read_only=True),
            "from": serializers.CharField(read_only=True),
            "to": serializers.CharField(read_only=True),
            "date": serializers.DateField(read_only=True, help_text="The date asked for."),
            "rate": serializers.DecimalField(max_digits=None, decimal_places=None, read_only=True,
                                             help_text="Units of `to` per unit of `from`."),
            "rate_date": serializers.DateField(read_only=True, allow_null=True,
                                               help_text="The ECB publication used; null for the same currency."),
            "converted": serializers.DecimalField(max_digits=None, decimal_places=None, read_only=True,
                                                  help_text="Rounded to the minor unit of `to`."),
        }


# --- rules ----------------------------------------------------------------------------------------

class RuleSerializer(serializers.ModelSerializer):
    account = OwnAccountField(required=False, allow_null=True, help_text="Only transactions in this account.")
    set_category = VisibleCategoryField(required=False, allow_null=True, help_text="Category to file under.")
    add_tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False,
                                     help_text="Tag names to add (created when missing).")
    set_category_name = serializers.SerializerMethodField(help_text='"Parent > Child", or null.')

    class Meta:
        model = Rule
        fields = ["id", "name", "position", "is_active", "stop_processing", "match_field", "match_operator",
                  "match_value", "amount_min", "amount_max", "sign", "account", "set_category", "set_category_name",
                  "add_tags", "set_merchant", "created_at", "updated_at"]
        read_only_fields = ["id", "position", "created_at", "updated_at"]
        extra_kwargs = {
            "match_value": {"help_text": "Text to look for, case-insensitive; a regular expression with `regex` "
                                         "(at most 200 characters, no nested repetition such as (a+)+)."},
            "amount_min": {"help_text": "Smallest amount, compared without its sign."},
            "amount_max": {"help_text": "Largest amount, compared without its sign."},
        }

    def get_set_category_name(self, rule: Rule) -> str | None:
        return str(rule.set_category) if rule.set_category else None


class RuleChangeSerializer(serializers.Serializer):
    transaction = serializers.IntegerField(source="txn.pk")
    date = serializers.DateField(source="txn.date")
    description = serializers.CharField(source="txn.description")
    amount = serializers.DecimalField(source="txn.amount", max_digits=14, decimal_places=2)
    old_category = serializers.IntegerField(source="old_category.pk", allow_null=True, default=None)
    new_category = serializers.SerializerMethodField(help_text="The category the rule files it under, if it does.")
    old_merchant = serializers.CharField()
    new_merchant = serializers.CharField(source="merchant", allow_null=True, help_text="null: unchanged.")
    added_tags = serializers.ListField(source="tags", child=serializers.CharField())

    def get_new_category(self, change) -> int | None:
        return change.category.pk if change.category_changed and change.category else None


class RulePreviewSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="How many existing transactions would change.")
    changes = RuleChangeSerializer(many=True, help_text="The newest of them (at most 50), with what would change.")


class RuleAppliedSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="How many transactions changed.")


class RuleFromTransactionSerializer(serializers.Serializer):
    transaction = serializers.IntegerField(min_value=1, max_value=10**18 - 1,
                                           help_text="A transaction of yours with the category to always use.")


class RuleCreatedFromTransactionSerializer(serializers.Serializer):
    rule = RuleSerializer()
    changed = serializers.IntegerField(help_text="How many other transactions the rule changed.")


class RuleReorderSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=10**18 - 1), allow_empty=False,
                                help_text="Your rule ids in the order they should run; rules left out follow.")


class TransactionExportRequestSerializer(serializers.Serializer):
    """The list's filters (all optional): the export holds what GET /api/v1/transactions/ would list."""

    date_from = serializers.CharField(required=False, allow_blank=True)
    date_to = serializers.CharField(required=False, allow_blank=True)
    account = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(required=False, allow_blank=True,
                                     help_text="With its sub-categories and split parts.")
    uncategorized = serializers.BooleanField(required=False, allow_null=True, default=None)
    amount_min = serializers.CharField(required=False, allow_blank=True)
    amount_max = serializers.CharField(required=False, allow_blank=True)
    q = serializers.CharField(required=False, allow_blank=True)
    tag = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(required=False, allow_blank=True)
    needs_review = serializers.BooleanField(required=False, allow_null=True, default=None)
    import_batch = serializers.CharField(required=False, allow_blank=True)
    ordering = serializers.CharField(required=False, allow_blank=True, help_text="As the list's, e.g. -date.")


class TransactionExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(source="shown_status", choices=["pending", "running", "done", "failed", "expired"],
                                     help_text="failed: there is no file, `error` says why; expired: past "
                                               "`expires_at`, the file is gone.")
    rows_total = serializers.IntegerField(help_text="Rows to write (counted when the worker starts).")
    rows_written = serializers.IntegerField(help_text="Rows written so far; once done, the rows in the file.")
    progress_percent = serializers.IntegerField()
    error = serializers.CharField(source="shown_error")
    filters = serializers.DictField(child=serializers.CharField())
    size_bytes = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField(help_text="The CSV, once done and until it expires.")

    def get_download_url(self, export) -> str | None:
        if not export.is_downloadable:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:transaction-exports-download", kwargs={"pk": export.pk}))
