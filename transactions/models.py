from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.currencies import currency_choices
from core.fields import EncryptedTextField

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

MONEY = {"max_digits": 14, "decimal_places": 2}


class AccountKind(models.TextChoices):
    CHECKING = "checking", "Checking"
    SAVINGS = "savings", "Savings"
    CREDIT_CARD = "credit_card", "Credit card"
    CASH = "cash", "Cash"
    INVESTMENT = "investment", "Investment"


def _yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


@dataclass(frozen=True)
class Reconciliation:
    """A balance the bank stated for the end of a day beside Finsight's balance for that day."""

    bank_balance: Decimal
    finsight_balance: Decimal
    on: date
    currency: str
    source: str  # a StatedBalanceSource value: where the bank stated it
    import_id: int  # the import whose file stated it

    @property
    def difference(self) -> Decimal:
        """What an adjustment on that day must add for Finsight to agree with the bank."""
        return self.bank_balance - self.finsight_balance

    @property
    def matches(self) -> bool:
        return self.difference == 0

    @property
    def source_label(self) -> str:
        return StatedBalanceSource(self.source).label if self.source in StatedBalanceSource.values else ""


class Account(models.Model):
    """An account's balance is anchored on one known balance: every other day's is worked out from it.

    ``known_balance`` is the balance at the end of ``known_balance_date`` (as the user gave it, or as a bank
    statement they reconciled with stated it): every transaction dated on or before that day is already in it.
    The balance at the end of any day d is the known balance plus the transactions after the known date up to
    d, or minus those after d up to the known date. So importing older history never moves today's balance;
    it fills in the balances before it.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_accounts")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=AccountKind.choices, default=AccountKind.CHECKING)
    currency = models.CharField(max_length=3, choices=currency_choices, default="EUR")
    known_balance = models.DecimalField(**MONEY, default=Decimal("0.00"),
                                        help_text="The balance at the end of the known balance date.")
    # Yesterday by default: an opening balance of today, so that today's transactions count.
    known_balance_date = models.DateField(default=_yesterday)
    # The column mapping confirmed at the last import into this account, reused next time.
    import_mapping = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("owner", "name", name="transactions_account_owner_name_unique")]

    def __str__(self) -> str:
        return self.name

    # The known balance said the other way round: the opening balance at the start of the next day.
    @property
    def opening_balance(self) -> Decimal:
        return self.known_balance

    @opening_balance.setter
    def opening_balance(self, value: Decimal) -> None:
        self.known_balance = value

    @property
    def opening_date(self) -> date:
        return self.known_balance_date + timedelta(days=1)

    @opening_date.setter
    def opening_date(self, value: date) -> None:
        self.known_balance_date = value - timedelta(days=1)

    @property
    def reconciliation(self) -> Reconciliation | None:
        """The latest statement's balance beside Finsight's on its day, when account_list() annotated it."""
        annotated = vars(self)
        if annotated.get("statement_balance") is None:
            return None
        return Reconciliation(bank_balance=annotated["statement_balance"],
                              finsight_balance=annotated["statement_day_balance"], on=annotated["statement_date"],
                              currency=self.currency, source=annotated["statement_source"],
                              import_id=annotated["statement_import_id"])


class CategoryKind(models.TextChoices):
    EXPENSE = "expense", "Expense"
    INCOME = "income", "Income"
    TRANSFER = "transfer", "Transfer"


class HiddenFlag(TypedDict):
    """What ``annotate_hidden()`` adds to each category: whether this user hid it."""

    is_hidden: bool


class CategoryQuerySet(models.QuerySet["Category"]):
    def visible_to(self, user) -> CategoryQuerySet:
        """The standard taxonomy plus the user's own categories (hidden ones included)."""
        return self.filter(Q(owner__isnull=True) | Q(owner=user))

    def annotate_hidden(self, user) -> models.QuerySet[WithAnnotations[Category, HiddenFlag]]:
        hidden = Category.hidden_by.through.objects.filter(category_id=OuterRef("pk"), user_id=user.pk)
        return self.annotate(is_hidden=Exists(hidden))


class Category(models.Model):
    """Two levels: a top category (parent is null) and its sub-categories."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="categories", help_text="Empty for the standard taxonomy.")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=CategoryKind.choices, default=CategoryKind.EXPENSE)
    # Stable identifier of a standard category ("food_drink.groceries"); the ML seed corpus refers to it.
    key = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    hidden_by = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="hidden_categories")

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["parent__name", "name"]
        verbose_name_plural = "categories"
        indexes = [models.Index(fields=["owner", "parent"])]

    def __str__(self) -> str:
        return f"{self.parent.name} > {self.name}" if self.parent_id and self.parent else self.name

    @property
    def is_standard(self) -> bool:
        return self.owner_id is None


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    NEEDS_MAPPING = "needs_mapping", "Needs a column mapping"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Refused"


class StatedBalanceSource(models.TextChoices):
    LEDGER = "ledger", "the statement's booked balance (OFX LEDGERBAL)"
    AVAILABLE = "available", "the statement's available balance (OFX AVAILBAL)"
    COLUMN = "column", "the file's balance column"


class ImportBatch(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="import_batches")
    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10, blank=True)
    # The upload, kept (outside public media) only until the import has run.
    stored_file = models.FileField(upload_to="imports/", blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    mapping = models.JSONField(default=dict, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # What was deliberately left out (pending rows, balance lines, trades), said after the run.
    notes = models.JSONField(default=list, blank=True)
    # The balance the file states for the end of a day (OFX LEDGERBAL, a balance column), to reconcile with.
    stated_balance = models.DecimalField(**MONEY, null=True, blank=True)
    stated_balance_date = models.DateField(null=True, blank=True)
    stated_balance_source = models.CharField(max_length=10, choices=StatedBalanceSource.choices, blank=True,
                                             default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Liveness of a queued or running import: written when it is queued, claimed and as it makes progress.
    # A batch whose heartbeat is old was lost (a worker killed, a task dropped); a sweep runs it again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(self.rows_processed * 100 / self.rows_total))

    @property
    def reconciliation(self) -> Reconciliation | None:
        """The stated balance beside Finsight's on its day, when import_batch_list() annotated it."""
        finsight = vars(self).get("statement_day_balance")
        if self.stated_balance is None or self.stated_balance_date is None or finsight is None:
            return None
        return Reconciliation(bank_balance=self.stated_balance, finsight_balance=finsight,
                              on=self.stated_balance_date, currency=self.account.currency,
                              source=self.stated_balance_source, import_id=self.pk)


class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("owner", "name", name="transactions_tag_owner_name_unique")]

    def __str__(self) -> str:
        return self.name


class CategorySource(models.TextChoices):
    USER = "user", "You"
    RULE = "rule", "Rule"
    MODEL = "model", "Model"
    IMPORT = "import", "Import"
    NONE = "", "Not set"


class Source(models.TextChoices):
    MANUAL = "manual", "Manual"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel"
    OFX = "ofx", "OFX/QFX"
    RECEIPT = "receipt", "Receipt"
    VOICE = "voice", "Voice"
    API = "api", "API"
    ADJUSTMENT = "adjustment", "Balance adjustment"


class TransactionQuerySet(models.QuerySet["Transaction"]):
    def for_user(self, user) -> TransactionQuerySet:
        return self.filter(owner=user)

    def in_categories(self, category_ids) -> TransactionQuerySet:
        """Filed under any of these categories, directly or through one of its split parts."""
        split_hit = TransactionSplit.objects.filter(transaction_id=OuterRef("pk"), category_id__in=category_ids)
        return self.filter(Q(category_id__in=category_ids) | Exists(split_hit))


class Transaction(models.Model):
    # No single-column indexes: the composite ones below lead with owner and account (fewer writes per import).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transactions",
                              db_index=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="transactions", db_index=False)
    date = models.DateField()
    amount = models.DecimalField(**MONEY, help_text="Signed: negative is money out.")
    currency = models.CharField(max_length=3)
    # The amount in the owner's preferred currency, converted when the transaction was recorded.
    amount_converted = models.DecimalField(**MONEY, null=True, blank=True)
    converted_currency = models.CharField(max_length=3, blank=True)
    fx_rate = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    fx_date = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=500, help_text="As the bank wrote it.")
    merchant = models.CharField(max_length=200, blank=True)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="transactions")
    category_source = models.CharField(max_length=10, choices=CategorySource.choices, blank=True, default="")
    category_confidence = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    # A person-readable reason for the category or the suggestion ("You filed 4 earlier 'ENGEN' payments under Fuel").
    category_explanation = models.CharField(max_length=200, blank=True, default="", db_default="")
    # Below the confidence threshold the category stays empty and the best guess waits here for review.
    suggested_category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="+")
    needs_review = models.BooleanField(default=True)
    notes = EncryptedTextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="transactions")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    import_batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="transactions")
    fingerprint = models.CharField(max_length=80)
    # The level of an open anomaly alert on this charge ("high", "medium", "low"), "" when none: set by the alerts
    # app through transactions_alert_mark, so the list shows a marker without reading (or importing) alerts.
    alert_level = models.CharField(max_length=6, blank=True, default="", db_default="")
    # When the anomaly scan looked at this row; None until then (the alerts app finds those by a partial index).
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TransactionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint("account", "fingerprint", name="transactions_transaction_account_fingerprint"),
        ]
        indexes = [
            models.Index(fields=["owner", "-date", "-id"]),
            models.Index(fields=["owner", "category"]),
            models.Index(fields=["owner", "needs_review"]),
            models.Index(fields=["owner", "id"], condition=Q(checked_at__isnull=True),
                         name="transactions_unchecked"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.currency} {self.merchant or self.description}"

    @property
    def is_split(self) -> bool:
        return bool(self.splits.all())  # uses the prefetched splits in lists


class TransactionSplit(models.Model):
    """One part of a transaction filed under its own category; the parts sum to the transaction's amount."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="splits")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="splits")
    amount = models.DecimalField(**MONEY)
    notes = EncryptedTextField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.category}"


class RuleField(models.TextChoices):
    DESCRIPTION = "description", "Description"
    MERCHANT = "merchant", "Merchant"
    EITHER = "either", "Description or merchant"


class RuleOperator(models.TextChoices):
    CONTAINS = "contains", "contains"
    EQUALS = "equals", "equals"
    STARTS_WITH = "starts_with", "starts with"
    REGEX = "regex", "matches regex"


class RuleSign(models.TextChoices):
    ANY = "any", "Money in or out"
    OUT = "out", "Money out"
    IN = "in", "Money in"


class Rule(models.Model):
    """A user's "when a transaction looks like this, file it like that"; applied in position order."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    stop_processing = models.BooleanField(default=False, help_text="Later rules are skipped for a match.")
    # Conditions: every one that is set must hold. Text matches ignore case.
    match_field = models.CharField(max_length=12, choices=RuleField.choices, default=RuleField.EITHER)
    match_operator = models.CharField(max_length=12, choices=RuleOperator.choices, default=RuleOperator.CONTAINS)
    match_value = models.CharField(max_length=200, blank=True)
    # Compared with the amount without its sign; the sign is a condition of its own.
    amount_min = models.DecimalField(**MONEY, null=True, blank=True)
    amount_max = models.DecimalField(**MONEY, null=True, blank=True)
    sign = models.CharField(max_length=3, choices=RuleSign.choices, default=RuleSign.ANY)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, null=True, blank=True, related_name="rules")
    # Actions.
    set_category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="rules")
    add_tags = models.JSONField(default=list, blank=True)
    set_merchant = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["owner", "position"])]

    def __str__(self) -> str:
        return self.name


class ExportStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Being prepared"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class TransactionExport(models.Model):
    """A CSV of the user's transactions (with the list's filters), written by the worker and kept for a while."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transaction_exports")
    # The list's filters as given (query parameter names and their text), applied again by the worker.
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    # Counted when the worker starts; the file holds exactly rows_written rows once done.
    rows_total = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    # The file's name under settings.EXPORT_DIR (a random part, so a name cannot be guessed), once written.
    file_name = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Written with the progress: a running export whose worker went away stops moving and is shown as failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.get_status_display()})"

    STALL_AFTER = timedelta(minutes=10)
    NEVER_STARTED_AFTER = timedelta(hours=1)

    def is_stalled(self, now=None) -> bool:
        """Running but silent for minutes (its worker died), or never picked up by a worker."""
        now = now or timezone.now()
        if self.status == ExportStatus.RUNNING:
            return (self.heartbeat_at or self.created_at) < now - self.STALL_AFTER
        if self.status == ExportStatus.PENDING:
            return self.created_at < now - self.NEVER_STARTED_AFTER
        return False

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def shown_status(self) -> str:
        """The status a person and a client see: "failed" for a stalled one, "expired" for a file gone by."""
        if self.is_stalled():
            return ExportStatus.FAILED
        if self.status == ExportStatus.DONE and self.is_expired():
            return "expired"
        return self.status

    @property
    def shown_error(self) -> str:
        if self.status == ExportStatus.PENDING and self.is_stalled():
            return "The export never started: no background worker picked it up. Try again later."
        if self.is_stalled():
            return "The export stopped before it finished; there is no file. Try again."
        return self.error

    @property
    def is_downloadable(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file_name) and not self.is_expired()

    @property
    def progress_percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_written * 100 / self.rows_total))

    @property
    def download_name(self) -> str:
        return f"finsight-transactions-{timezone.localtime(self.created_at):%Y%m%d-%H%M}.csv"
